package io.ringcast.ingest.server;

import io.ringcast.broadcast.media.amf.Amf0Writer;
import io.ringcast.ingest.chunk.ChunkEncoder;
import io.ringcast.ingest.chunk.MessageTypeIds;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.ExpandableDirectByteBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Queues outgoing RTMP messages (protocol control, user control, AMF0 commands) as chunks and flushes them to the
 * socket. Owned by the connection's thread, then by its player loop after a play hand-off (for an upstream client:
 * its relay thread, then the push's fan-out worker); commands are rare, so building them may allocate.
 */
public final class RtmpMessageWriter {
    /** Chunk stream for commands on the connection and on message streams (as Flash Media Server uses). */
    public static final int COMMAND_CHUNK_STREAM_ID = 3;
    /** Chunk stream for data messages (onMetaData, |RtmpSampleAccess). */
    public static final int DATA_CHUNK_STREAM_ID = 5;

    private final ChunkEncoder encoder = new ChunkEncoder();
    private final ExpandableDirectByteBuffer out = new ExpandableDirectByteBuffer(8 * 1024);
    private final ExpandableArrayBuffer amfBuffer = new ExpandableArrayBuffer(1024);
    private final Amf0Writer amf = new Amf0Writer();
    private final ChannelIo io;
    private final long writeTimeoutMs;
    private int length;
    private PlayerOutput redirect;
    private ByteBuffer viewSource;
    private ByteBuffer outView;

    /** @param writeTimeoutMs how long {@link #flush} waits for a peer that does not take the bytes */
    public RtmpMessageWriter(ChannelIo io, long writeTimeoutMs) {
        this.io = io;
        this.writeTimeoutMs = writeTimeoutMs;
    }

    /** Sends Set Chunk Size; later messages are chunked with the new size. */
    public void setChunkSize(int chunkSizeBytes) {
        length += encoder.writeSetChunkSize(out, length, chunkSizeBytes);
    }

    public void windowAcknowledgementSize(int windowBytes) {
        length += encoder.writeWindowAcknowledgementSize(out, length, windowBytes);
    }

    public void setPeerBandwidth(int windowBytes, int limitType) {
        length += encoder.writeSetPeerBandwidth(out, length, windowBytes, limitType);
    }

    public void acknowledgement(long sequenceNumber) {
        length += encoder.writeAcknowledgement(out, length, sequenceNumber);
    }

    public void streamBegin(int messageStreamId) {
        length += encoder.writeStreamBegin(out, length, messageStreamId);
    }

    public void pingResponse(long timestamp) {
        length += encoder.writePingResponse(out, length, timestamp);
    }

    /** Queues the User Control event SetBufferLength (a playing client's buffer, in milliseconds). */
    public void setBufferLength(int messageStreamId, int bufferLengthMs) {
        length += encoder.writeSetBufferLength(out, length, messageStreamId, bufferLengthMs);
    }

    /** Queues an AMF0 command message (type 20): name, transaction id, then the values. */
    public void command(int messageStreamId, String name, double transactionId, Object... values) {
        amf.wrap(amfBuffer, 0).writeString(name).writeNumber(transactionId);
        for (Object v : values) {
            amf.writeValue(v);
        }
        length += encoder.encode(out, length, COMMAND_CHUNK_STREAM_ID, 0, MessageTypeIds.COMMAND_AMF0,
                messageStreamId, amfBuffer, 0, amf.length());
    }

    /** Queues an AMF0 data message (type 18), e.g. {@code |RtmpSampleAccess}: the name, then the values. */
    public void data(int messageStreamId, String name, Object... values) {
        amf.wrap(amfBuffer, 0).writeString(name);
        for (Object v : values) {
            amf.writeValue(v);
        }
        length += encoder.encode(out, length, DATA_CHUNK_STREAM_ID, 0, MessageTypeIds.DATA_AMF0,
                messageStreamId, amfBuffer, 0, amf.length());
    }

    /** Outgoing chunk size in force (after the Set Chunk Size sent on connect). */
    public int chunkSizeBytes() {
        return encoder.chunkSizeBytes();
    }

    /**
     * From now on, {@link #flush} hands the queued bytes to {@code replies} instead of writing the socket: the
     * connection was handed to a player loop, whose socket has another writer (see {@link PlayerOutput}).
     */
    public void redirect(PlayerOutput replies) {
        this.redirect = replies;
    }

    /** Writes everything queued to the socket, or hands it to the redirect target. */
    public void flush() throws IOException {
        if (length == 0) {
            return;
        }
        if (redirect != null) {
            redirect.enqueueControl(out, length);
            length = 0;
            return;
        }
        ByteBuffer bytes = view();
        bytes.clear();
        bytes.limit(length).position(0);
        io.writeFully(bytes, writeTimeoutMs);
        length = 0;
    }

    /**
     * A view of the output buffer with its own position and limit, made again only when the buffer grew: an
     * upstream pull acknowledges per window while media flows, and that must not allocate.
     */
    // By identity: a view belongs to one buffer object, and ByteBuffer.equals compares contents.
    @SuppressWarnings("ReferenceEquality")
    private ByteBuffer view() {
        ByteBuffer source = out.byteBuffer();
        if (viewSource != source) {
            viewSource = source;
            outView = source.duplicate();
        }
        return outView;
    }
}
