package io.ringcast.ingest.server;

import io.ringcast.broadcast.media.MediaFormatException;
import io.ringcast.broadcast.media.amf.Amf0Reader;
import io.ringcast.ingest.RtmpProtocolException;
import io.ringcast.ingest.chunk.AcknowledgementWindow;
import io.ringcast.ingest.chunk.ChunkListener;
import io.ringcast.ingest.chunk.ControlMessages;
import io.ringcast.ingest.chunk.MessageHeader;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.chunk.PayloadTarget;
import io.ringcast.ingest.command.CommandHandler;
import io.ringcast.ingest.publish.MediaIngest;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;

/**
 * Routes each reassembled RTMP message by type: protocol and user control to the connection's state, commands to
 * the command handler (the server's {@link CommandHandler}, or an upstream client's), media and data to the
 * {@link MediaIngest} its {@link IngestRoute} names. Owned by the connection's thread. Media that breaks its format
 * (AMF0, FLV, codec configuration) is the peer's protocol violation: a {@link MediaFormatException} leaves as an
 * {@link RtmpProtocolException} with the same reason.
 */
public final class MessageDispatcher implements ChunkListener {
    private static final Logger LOG = LoggerFactory.getLogger(MessageDispatcher.class);
    /** AMF3 command and data messages start with one format byte, then AMF0 values. */
    private static final int AMF3_FORMAT_BYTE = 1;

    /**
     * Which ingest takes a media or data message. The server's connection has one fixed ingest; an upstream pull
     * starts publishing at its first media or metadata message. Called per message on the decoding thread; must not
     * allocate.
     */
    @FunctionalInterface
    public interface IngestRoute {
        /**
         * @param messageTypeId audio, video or data (AMF0/AMF3)
         * @param data          for a data message its AMF0 payload, else null (media payloads are not read yet)
         * @return the ingest, or null to skip the message
         */
        MediaIngest ingest(int messageTypeId, DirectBuffer data, int offset, int length);
    }

    private final ObjIntConsumer<List<Object>> commands;
    private final IngestRoute media;
    private final RtmpMessageWriter writer;
    private final AcknowledgementWindow acknowledgements;
    private final Amf0Reader amf = new Amf0Reader();
    private final String remote;
    private IntConsumer streamEof;

    MessageDispatcher(CommandHandler commands, MediaIngest media, RtmpMessageWriter writer,
                      AcknowledgementWindow acknowledgements, String remote) {
        this(commands::onCommand, (type, data, offset, length) -> media, writer, acknowledgements, remote);
    }

    /**
     * @param commands receives each command message: its AMF0 values (name, transaction id, ...) and message stream
     * @param writer   where ping responses go
     */
    public MessageDispatcher(ObjIntConsumer<List<Object>> commands, IngestRoute media, RtmpMessageWriter writer,
                             AcknowledgementWindow acknowledgements, String remote) {
        this.commands = commands;
        this.media = media;
        this.writer = writer;
        this.acknowledgements = acknowledgements;
        this.remote = remote;
    }

    @Override
    public boolean onMessageStart(MessageHeader header, PayloadTarget target) {
        return switch (header.messageTypeId()) {
            case MessageTypeIds.AUDIO, MessageTypeIds.VIDEO -> {
                MediaIngest ingest = media.ingest(header.messageTypeId(), null, 0, 0);
                yield ingest != null && ingest.onMediaStart(header, target);
            }
            case MessageTypeIds.COMMAND_AMF0, MessageTypeIds.COMMAND_AMF3, MessageTypeIds.DATA_AMF0,
                 MessageTypeIds.DATA_AMF3 -> true;
            default -> {
                LOG.debug("{}: skipping message type {}", remote, header.messageTypeId());
                yield false;
            }
        };
    }

    @Override
    public void onMessage(MessageHeader header, DirectBuffer buffer, int offset, int length) {
        try {
            route(header, buffer, offset, length);
        } catch (MediaFormatException e) {
            throw new RtmpProtocolException(e);
        }
    }

    private void route(MessageHeader header, DirectBuffer buffer, int offset, int length) {
        switch (header.messageTypeId()) {
            case MessageTypeIds.AUDIO, MessageTypeIds.VIDEO ->
                media.ingest(header.messageTypeId(), null, 0, 0).onMedia(header, buffer, offset, length);
            case MessageTypeIds.COMMAND_AMF0 -> command(header, buffer, offset, length);
            case MessageTypeIds.COMMAND_AMF3 -> command(header, buffer, offset + AMF3_FORMAT_BYTE,
                    length - AMF3_FORMAT_BYTE);
            case MessageTypeIds.DATA_AMF0 -> data(MessageTypeIds.DATA_AMF0, buffer, offset, length);
            case MessageTypeIds.DATA_AMF3 -> data(MessageTypeIds.DATA_AMF3, buffer, offset + AMF3_FORMAT_BYTE,
                    length - AMF3_FORMAT_BYTE);
            case MessageTypeIds.WINDOW_ACKNOWLEDGEMENT_SIZE ->
                acknowledgements.windowBytes(ControlMessages.readUint32(buffer, offset, length));
            case MessageTypeIds.USER_CONTROL -> userControl(buffer, offset, length);
            default -> {
                // Set Chunk Size and Abort are applied by the decoder; Acknowledgement and Set Peer Bandwidth
                // need no answer from a server.
            }
        }
    }

    @Override
    public void onMessageAborted(MessageHeader header) {
        if (header.messageTypeId() == MessageTypeIds.AUDIO || header.messageTypeId() == MessageTypeIds.VIDEO) {
            MediaIngest ingest = media.ingest(header.messageTypeId(), null, 0, 0);
            if (ingest != null) {
                ingest.onMediaAborted(header);
            }
        }
    }

    private void data(int messageTypeId, DirectBuffer buffer, int offset, int length) {
        MediaIngest ingest = media.ingest(messageTypeId, buffer, offset, length);
        if (ingest != null) {
            ingest.onData(buffer, offset, length);
        }
    }

    private void command(MessageHeader header, DirectBuffer buffer, int offset, int length) {
        if (length <= 0) {
            throw new RtmpProtocolException("empty command message");
        }
        commands.accept(amf.wrap(buffer, offset, length).readAll(), header.messageStreamId());
    }

    /**
     * Tells {@code listener} the message stream id of every User Control StreamEOF (6.2) the peer sends: a server
     * ends a play that way (nginx-rtmp when the publisher leaves). A server's connection needs none.
     */
    public void onStreamEof(IntConsumer listener) {
        this.streamEof = listener;
    }

    private void userControl(DirectBuffer buffer, int offset, int length) {
        int event = ControlMessages.readUserControlEventType(buffer, offset, length);
        if (event == ControlMessages.EVENT_PING_REQUEST) {
            writer.pingResponse(ControlMessages.readUserControlEventValue(buffer, offset, length));
        } else if (event == ControlMessages.EVENT_STREAM_EOF && streamEof != null) {
            streamEof.accept((int) ControlMessages.readUserControlEventValue(buffer, offset, length));
        }
    }
}
