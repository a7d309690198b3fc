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

/**
 * Routes each reassembled RTMP message by type: protocol and user control to the connection's state, commands to
 * the {@link CommandHandler}, media and data to {@link MediaIngest}. Owned by the connection's thread. Media that
 * breaks its format (AMF0, FLV, codec configuration) is the peer's protocol violation: a
 * {@link MediaFormatException} leaves as an {@link RtmpProtocolException} with the same reason.
 */
final class MessageDispatcher implements ChunkListener {
    private static final Logger LOG = LoggerFactory.getLogger(MessageDispatcher.class);
    /** AMF3 command and data messages start with one format byte, then AMF0 values. */
    private static final int AMF3_FORMAT_BYTE = 1;

    private final CommandHandler commands;
    private final MediaIngest media;
    private final RtmpMessageWriter writer;
    private final AcknowledgementWindow acknowledgements;
    private final Amf0Reader amf = new Amf0Reader();
    private final String remote;

    MessageDispatcher(CommandHandler commands, MediaIngest media, RtmpMessageWriter writer,
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
            case MessageTypeIds.AUDIO, MessageTypeIds.VIDEO -> media.onMediaStart(header, target);
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
            case MessageTypeIds.AUDIO, MessageTypeIds.VIDEO -> media.onMedia(header, buffer, offset, length);
            case MessageTypeIds.COMMAND_AMF0 -> command(header, buffer, offset, length);
            case MessageTypeIds.COMMAND_AMF3 -> command(header, buffer, offset + AMF3_FORMAT_BYTE,
                    length - AMF3_FORMAT_BYTE);
            case MessageTypeIds.DATA_AMF0 -> media.onData(buffer, offset, length);
            case MessageTypeIds.DATA_AMF3 -> media.onData(buffer, offset + AMF3_FORMAT_BYTE,
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
            media.onMediaAborted(header);
        }
    }

    private void command(MessageHeader header, DirectBuffer buffer, int offset, int length) {
        if (length <= 0) {
            throw new RtmpProtocolException("empty command message");
        }
        commands.onCommand(amf.wrap(buffer, offset, length).readAll(), header.messageStreamId());
    }

    private void userControl(DirectBuffer buffer, int offset, int length) {
        if (ControlMessages.readUserControlEventType(buffer, offset, length) == ControlMessages.EVENT_PING_REQUEST) {
            writer.pingResponse(ControlMessages.readUserControlEventValue(buffer, offset, length));
        }
    }
}
