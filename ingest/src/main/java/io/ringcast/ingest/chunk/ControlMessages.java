package io.ringcast.ingest.chunk;

import io.ringcast.ingest.RtmpProtocolException;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * Readers for protocol control message payloads (Adobe RTMP specification 5.4) and user control events (6.2),
 * with their constants; stateless, usable from any thread.
 * <pre>
 *  Set Chunk Size / Abort / Acknowledgement / Window Ack Size:  | uint32 value |
 *  Set Peer Bandwidth:                                          | uint32 window | uint8 limit type |
 *  User Control:                                                | uint16 event type | event data ...  |
 * </pre>
 */
public final class ControlMessages {
    /** Set Peer Bandwidth limit type: the peer limits its output to the window. */
    public static final int LIMIT_TYPE_HARD = 0;
    /** Set Peer Bandwidth limit type: the window or the one in effect, whichever is smaller. */
    public static final int LIMIT_TYPE_SOFT = 1;
    /** Set Peer Bandwidth limit type: hard if the previous one was hard, else ignored. */
    public static final int LIMIT_TYPE_DYNAMIC = 2;

    /** User Control event: a stream became functional; data is the message stream id. */
    public static final int EVENT_STREAM_BEGIN = 0;
    /** User Control event: playback of a stream ended; data is the message stream id. */
    public static final int EVENT_STREAM_EOF = 1;
    /** User Control event: no more data on a stream; data is the message stream id. */
    public static final int EVENT_STREAM_DRY = 2;
    /** User Control event: client buffer length; data is stream id then buffer length in ms. */
    public static final int EVENT_SET_BUFFER_LENGTH = 3;
    /** User Control event: the stream is recorded; data is the message stream id. */
    public static final int EVENT_STREAM_IS_RECORDED = 4;
    /** User Control event: liveness probe; data is a timestamp to echo. */
    public static final int EVENT_PING_REQUEST = 6;
    /** User Control event: answer to a PingRequest; data is the echoed timestamp. */
    public static final int EVENT_PING_RESPONSE = 7;

    private static final int UINT32_LENGTH = 4;
    private static final int EVENT_TYPE_LENGTH = 2;
    private static final long UINT32_MASK = 0xFFFF_FFFFL;

    private ControlMessages() {
    }

    /**
     * Reads the 32-bit value of Set Chunk Size, Abort, Acknowledgement or Window Acknowledgement Size, or the
     * window of Set Peer Bandwidth.
     *
     * @return the value as an unsigned 32-bit number.
     * @throws RtmpProtocolException if the payload is shorter than 4 bytes.
     */
    public static long readUint32(final DirectBuffer buffer, final int offset, final int length) {
        require(length, UINT32_LENGTH, "short control message");
        return buffer.getInt(offset, ByteOrder.BIG_ENDIAN) & UINT32_MASK;
    }

    /**
     * @return the limit type of a Set Peer Bandwidth payload.
     * @throws RtmpProtocolException if the payload is shorter than 5 bytes.
     */
    public static int readPeerBandwidthLimitType(final DirectBuffer buffer, final int offset, final int length) {
        require(length, UINT32_LENGTH + 1, "short set peer bandwidth");
        return buffer.getByte(offset + UINT32_LENGTH) & 0xFF;
    }

    /**
     * @return the event type of a User Control payload, e.g. {@link #EVENT_PING_REQUEST}.
     * @throws RtmpProtocolException if the payload is shorter than 2 bytes.
     */
    public static int readUserControlEventType(final DirectBuffer buffer, final int offset, final int length) {
        require(length, EVENT_TYPE_LENGTH, "short user control message");
        return buffer.getShort(offset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /**
     * @return the first 32-bit word of a User Control event's data: the stream id, or a ping timestamp.
     * @throws RtmpProtocolException if the payload is shorter than 6 bytes.
     */
    public static long readUserControlEventValue(final DirectBuffer buffer, final int offset, final int length) {
        require(length, EVENT_TYPE_LENGTH + UINT32_LENGTH, "short user control message");
        return buffer.getInt(offset + EVENT_TYPE_LENGTH, ByteOrder.BIG_ENDIAN) & UINT32_MASK;
    }

    private static void require(final int length, final int needed, final String reason) {
        if (length < needed) {
            throw new RtmpProtocolException(reason, "length=" + length);
        }
    }
}
