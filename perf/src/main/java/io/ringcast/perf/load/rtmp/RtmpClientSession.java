package io.ringcast.perf.load.rtmp;

import io.ringcast.broadcast.media.amf.Amf0Reader;
import io.ringcast.broadcast.media.amf.Amf0Writer;
import io.ringcast.ingest.chunk.AcknowledgementWindow;
import io.ringcast.ingest.chunk.ChunkDecoder;
import io.ringcast.ingest.chunk.ChunkEncoder;
import io.ringcast.ingest.chunk.ChunkListener;
import io.ringcast.ingest.chunk.ControlMessages;
import io.ringcast.ingest.chunk.MessageHeader;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.chunk.PayloadTarget;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The client side of an RTMP connection after the handshake, on the connection's owning thread. It reassembles the
 * server's messages with ingest's {@link ChunkDecoder} (every chunk format, extended timestamps, Set Chunk Size and
 * Abort applied there), answers what the server expects of a client (Acknowledgement per Window Acknowledgement
 * Size, PingResponse to PingRequest, RTMP specification 5.4 and 6.2), hands commands and media to a
 * {@link Handler}, and ignores every other message. Outgoing commands and media are chunked by ingest's
 * {@link ChunkEncoder} into an output buffer that the owner flushes to its socket.
 * <p>
 * Media payloads are not copied: only their first {@code prefixBytes} land in a {@link MessagePrefixBuffer} of their
 * chunk stream.
 */
public final class RtmpClientSession implements ChunkListener {
    public static final int COMMAND_CHUNK_STREAM_ID = 3;
    public static final int AUDIO_CHUNK_STREAM_ID = 4;
    public static final int DATA_CHUNK_STREAM_ID = 5;
    public static final int VIDEO_CHUNK_STREAM_ID = 6;

    private static final int MAX_MESSAGE_BYTES = 0xFF_FFFF;
    private static final int MAX_CHUNK_SIZE_BYTES = 1 << 24;
    private static final int MAX_CHUNK_STREAMS = 64;
    private static final int INITIAL_OUTPUT_BYTES = 4096;
    private static final int INITIAL_AMF_BYTES = 1024;
    private static final int COMMAND_ARGUMENTS_START = 2;

    /** Receives what the server sends; called on the session's thread from inside {@link #received}. */
    public interface Handler {
        /** An AMF0 command: its name, transaction id, then its command object and arguments in wire order. */
        void onCommand(String name, double transactionId, List<Object> arguments, int messageStreamId);

        /**
         * An audio or video message, complete.
         *
         * @param prefix       its first {@code prefixLength} bytes from index 0, valid only during the call
         * @param length       the whole message length
         * @param receivedNs   {@code System.nanoTime()} when the read holding its last byte returned
         */
        void onMedia(int messageTypeId, long timestampMs, DirectBuffer prefix, int prefixLength, int length,
                     long receivedNs);
    }

    private final Handler handler;
    private final boolean receivesMedia;
    private final ChunkDecoder decoder = new ChunkDecoder(this, MAX_MESSAGE_BYTES, MAX_CHUNK_SIZE_BYTES,
            MAX_CHUNK_STREAMS);
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final AcknowledgementWindow acknowledgementWindow = new AcknowledgementWindow();
    private final Amf0Reader amfReader = new Amf0Reader();
    private final Amf0Writer amfWriter = new Amf0Writer();
    private final ExpandableArrayBuffer amf = new ExpandableArrayBuffer(INITIAL_AMF_BYTES);
    private final ExpandableArrayBuffer output = new ExpandableArrayBuffer(INITIAL_OUTPUT_BYTES);
    private final UnsafeBuffer mediaView = new UnsafeBuffer(new byte[0]);
    /** One per chunk stream: messages of different chunk streams may be in progress at once. */
    private final Int2ObjectHashMap<MessagePrefixBuffer> prefixes = new Int2ObjectHashMap<>();
    private final int prefixBytes;
    private int outputLength;
    private long bytesReceived;
    private long receivedNs;
    private long unknownMessages;
    private double nextTransactionId = 1;

    /**
     * @param receivesMedia false for a publisher: media from the server is skipped
     * @param prefixBytes   bytes of each media message handed to {@link Handler#onMedia}
     */
    public RtmpClientSession(Handler handler, boolean receivesMedia, int prefixBytes) {
        this.handler = handler;
        this.receivesMedia = receivesMedia;
        this.prefixBytes = prefixBytes;
    }

    /**
     * Consumes chunk stream bytes from the server.
     *
     * @param receivedNs when the read that returned them completed
     * @throws io.ringcast.ingest.RtmpProtocolException if they break the chunk stream rules
     */
    public void received(DirectBuffer buffer, int offset, int length, long receivedNs) {
        this.receivedNs = receivedNs;
        decoder.decode(buffer, offset, length);
        bytesReceived += length;
        if (acknowledgementWindow.shouldAcknowledge(bytesReceived)) {
            outputLength += encoder.writeAcknowledgement(output, outputLength, bytesReceived);
        }
    }

    /** Queues bytes outside the chunk stream (the handshake's C0+C1 and C2). */
    public void sendRaw(byte[] bytes) {
        output.putBytes(outputLength, bytes);
        outputLength += bytes.length;
    }

    /** Queues Set Chunk Size; later messages use the new size. */
    public void sendSetChunkSize(int chunkSizeBytes) {
        outputLength += encoder.writeSetChunkSize(output, outputLength, chunkSizeBytes);
    }

    /**
     * Queues an AMF0 command with a fresh transaction id.
     *
     * @param arguments the command object (often null) and the arguments
     * @return its transaction id, to match the server's {@code _result}
     */
    public double sendCommand(int messageStreamId, String name, Object... arguments) {
        double transactionId = nextTransactionId++;
        amfWriter.wrap(amf, 0).writeString(name).writeNumber(transactionId);
        for (Object argument : arguments) {
            amfWriter.writeValue(argument);
        }
        outputLength += encoder.encode(output, outputLength, COMMAND_CHUNK_STREAM_ID, 0, MessageTypeIds.COMMAND_AMF0,
                messageStreamId, amf, 0, amfWriter.length());
        return transactionId;
    }

    /** Queues {@code @setDataFrame} with an FLV script tag body (onMetaData and its array) behind it. */
    public void sendMetadata(int messageStreamId, byte[] scriptBody) {
        amfWriter.wrap(amf, 0).writeString("@setDataFrame");
        int length = amfWriter.length();
        amf.putBytes(length, scriptBody);
        outputLength += encoder.encode(output, outputLength, DATA_CHUNK_STREAM_ID, 0, MessageTypeIds.DATA_AMF0,
                messageStreamId, amf, 0, length + scriptBody.length);
    }

    /** Queues an audio or video message (an FLV tag body). */
    public void sendMedia(int messageTypeId, long timestampMs, int messageStreamId, byte[] body) {
        int chunkStreamId = messageTypeId == MessageTypeIds.VIDEO ? VIDEO_CHUNK_STREAM_ID : AUDIO_CHUNK_STREAM_ID;
        mediaView.wrap(body);
        outputLength += encoder.encode(output, outputLength, chunkStreamId, timestampMs, messageTypeId,
                messageStreamId, mediaView, 0, body.length);
    }

    /** The queued output: {@link #outputLength()} bytes from index 0 of this array. */
    public byte[] outputArray() {
        return output.byteArray();
    }

    public int outputLength() {
        return outputLength;
    }

    /** The owner wrote the first {@code count} queued bytes to its socket. */
    public void outputWritten(int count) {
        byte[] bytes = output.byteArray();
        System.arraycopy(bytes, count, bytes, 0, outputLength - count);
        outputLength -= count;
    }

    /** Messages of types a client does not handle (AMF3, shared objects, aggregates), skipped. */
    public long unknownMessages() {
        return unknownMessages;
    }

    @Override
    public boolean onMessageStart(MessageHeader header, PayloadTarget target) {
        switch (header.messageTypeId()) {
            case MessageTypeIds.AUDIO, MessageTypeIds.VIDEO -> {
                if (receivesMedia) {
                    target.wrap(prefixOf(header.chunkStreamId()), 0);
                }
                return receivesMedia;
            }
            case MessageTypeIds.COMMAND_AMF0, MessageTypeIds.DATA_AMF0 -> {
                return true;
            }
            default -> {
                unknownMessages++;
                return false;
            }
        }
    }

    @Override
    public void onMessage(MessageHeader header, DirectBuffer buffer, int offset, int length) {
        switch (header.messageTypeId()) {
            case MessageTypeIds.WINDOW_ACKNOWLEDGEMENT_SIZE ->
                acknowledgementWindow.windowBytes(ControlMessages.readUint32(buffer, offset, length));
            case MessageTypeIds.USER_CONTROL -> {
                if (ControlMessages.readUserControlEventType(buffer, offset, length)
                        == ControlMessages.EVENT_PING_REQUEST) {
                    long timestamp = ControlMessages.readUserControlEventValue(buffer, offset, length);
                    outputLength += encoder.writePingResponse(output, outputLength, timestamp);
                }
            }
            case MessageTypeIds.COMMAND_AMF0 -> onCommand(header, buffer, offset, length);
            case MessageTypeIds.AUDIO, MessageTypeIds.VIDEO -> handler.onMedia(header.messageTypeId(),
                    header.timestampMs(), buffer, Math.min(length, prefixBytes), length, receivedNs);
            default -> {
                // Set Chunk Size and Abort are applied by the decoder; the rest needs no answer from a client.
            }
        }
    }

    @Override
    public void onMessageAborted(MessageHeader header) {
    }

    private MessagePrefixBuffer prefixOf(int chunkStreamId) {
        MessagePrefixBuffer prefix = prefixes.get(chunkStreamId);
        if (prefix == null) {
            prefix = new MessagePrefixBuffer(prefixBytes);
            prefixes.put(chunkStreamId, prefix);
        }
        return prefix;
    }

    private void onCommand(MessageHeader header, DirectBuffer buffer, int offset, int length) {
        List<Object> values = amfReader.wrap(buffer, offset, length).readAll();
        if (values.size() >= COMMAND_ARGUMENTS_START && values.get(0) instanceof String name) {
            double transactionId = values.get(1) instanceof Double id ? id : 0;
            handler.onCommand(name, transactionId, values.subList(COMMAND_ARGUMENTS_START, values.size()),
                    header.messageStreamId());
        }
    }
}
