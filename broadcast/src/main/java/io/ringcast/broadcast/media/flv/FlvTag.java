package io.ringcast.broadcast.media.flv;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Reads and writes FLV tags (FLV spec v10.1, E.4.1): the 11-byte tag header in front of a body and the 4-byte
 * PreviousTagSize behind it. Stateless and allocation-free; any thread, on buffers the caller owns.
 *
 * <pre>
 *  0      1                 4                  7             8                11        11+n                15+n
 *  | type | data size (24b) | timestamp (24b)  | ts extended | stream id (0)  | body (n) | PreviousTagSize=11+n |
 *    8 audio, 9 video, 18 script             timestamp bits 24..31 go in the extended byte
 * </pre>
 */
public final class FlvTag {
    public static final int TYPE_AUDIO = 8;
    public static final int TYPE_VIDEO = 9;
    public static final int TYPE_SCRIPT = 18;
    public static final int HEADER_BYTES = 11;
    public static final int PREVIOUS_TAG_SIZE_BYTES = 4;
    /** Header and trailer together: what a tag adds to its body. */
    public static final int OVERHEAD_BYTES = HEADER_BYTES + PREVIOUS_TAG_SIZE_BYTES;
    /** The largest body the 24-bit data size can describe. */
    public static final int MAX_BODY_BYTES = (1 << 24) - 1;

    private static final int DATA_SIZE_OFFSET = 1;
    private static final int TIMESTAMP_OFFSET = 4;
    private static final int TIMESTAMP_EXTENDED_OFFSET = 7;
    private static final int STREAM_ID_OFFSET = 8;
    private static final int LOW_24_BITS = 0xFF_FFFF;
    private static final int TYPE_MASK = 0x1F;

    private FlvTag() {
    }

    /**
     * Writes the tag header for a body of {@code bodyLength} bytes at {@code offset}.
     *
     * @param timestampMs decode time; only its low 32 bits fit in FLV, as the format wraps them
     */
    public static void putHeader(MutableDirectBuffer buffer, int offset, int type, int bodyLength, long timestampMs) {
        assert bodyLength >= 0 && bodyLength <= MAX_BODY_BYTES : bodyLength;
        int timestamp = (int) timestampMs;
        buffer.putByte(offset, (byte) type);
        putInt24(buffer, offset + DATA_SIZE_OFFSET, bodyLength);
        putInt24(buffer, offset + TIMESTAMP_OFFSET, timestamp & LOW_24_BITS);
        buffer.putByte(offset + TIMESTAMP_EXTENDED_OFFSET, (byte) (timestamp >>> 24));
        putInt24(buffer, offset + STREAM_ID_OFFSET, 0);
    }

    /** Writes the PreviousTagSize that follows a body of {@code bodyLength} bytes, at {@code offset}. */
    public static void putPreviousTagSize(MutableDirectBuffer buffer, int offset, int bodyLength) {
        putInt32(buffer, offset, HEADER_BYTES + bodyLength);
    }

    /**
     * Writes a whole tag, copying the body from a byte array; returns the offset after it. The caller makes sure
     * {@code bodyLength + OVERHEAD_BYTES} bytes fit.
     */
    public static int write(MutableDirectBuffer buffer, int offset, int type, long timestampMs,
                            byte[] body, int bodyOffset, int bodyLength) {
        putHeader(buffer, offset, type, bodyLength, timestampMs);
        buffer.putBytes(offset + HEADER_BYTES, body, bodyOffset, bodyLength);
        putPreviousTagSize(buffer, offset + HEADER_BYTES + bodyLength, bodyLength);
        return offset + HEADER_BYTES + bodyLength + PREVIOUS_TAG_SIZE_BYTES;
    }

    /** The tag type of the header at {@code offset} (the low 5 bits; bit 5 is the encryption filter flag). */
    public static int type(DirectBuffer buffer, int offset) {
        return buffer.getByte(offset) & TYPE_MASK;
    }

    /** The body length the header at {@code offset} announces. */
    public static int dataSize(DirectBuffer buffer, int offset) {
        return getInt24(buffer, offset + DATA_SIZE_OFFSET);
    }

    /** The 32-bit timestamp of the header at {@code offset}, the extended byte on top, as an unsigned value. */
    public static long timestampMs(DirectBuffer buffer, int offset) {
        long extended = buffer.getByte(offset + TIMESTAMP_EXTENDED_OFFSET) & 0xFFL;
        return (extended << 24) | getInt24(buffer, offset + TIMESTAMP_OFFSET);
    }

    static int getInt24(DirectBuffer buffer, int offset) {
        return ((buffer.getByte(offset) & 0xFF) << 16) | ((buffer.getByte(offset + 1) & 0xFF) << 8)
                | (buffer.getByte(offset + 2) & 0xFF);
    }

    static void putInt24(MutableDirectBuffer buffer, int offset, int value) {
        buffer.putByte(offset, (byte) (value >>> 16));
        buffer.putByte(offset + 1, (byte) (value >>> 8));
        buffer.putByte(offset + 2, (byte) value);
    }

    static void putInt32(MutableDirectBuffer buffer, int offset, int value) {
        buffer.putByte(offset, (byte) (value >>> 24));
        buffer.putByte(offset + 1, (byte) (value >>> 16));
        buffer.putByte(offset + 2, (byte) (value >>> 8));
        buffer.putByte(offset + 3, (byte) value);
    }
}
