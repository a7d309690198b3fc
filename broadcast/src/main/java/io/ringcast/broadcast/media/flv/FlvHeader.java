package io.ringcast.broadcast.media.flv;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The FLV file header followed by PreviousTagSize0, as a viewer receives it first (FLV spec v10.1, E.2 and E.3),
 * written and read. Stateless; any thread.
 *
 * <pre>
 *  0        3         4       5                  9                 13
 *  | 'FLV'  | version | flags | data offset (=9) | PreviousTagSize0 |
 *                        flags: 0x04 audio present, 0x01 video present
 * </pre>
 */
public final class FlvHeader {
    /** Bytes of the header proper, which is also the data offset it announces. */
    public static final int HEADER_BYTES = 9;
    /** Header plus the 4-byte PreviousTagSize0 that precedes the first tag. */
    public static final int LENGTH = HEADER_BYTES + FlvTag.PREVIOUS_TAG_SIZE_BYTES;
    public static final int VERSION = 1;
    public static final int FLAG_AUDIO = 0x04;
    public static final int FLAG_VIDEO = 0x01;

    private static final int VERSION_OFFSET = 3;
    private static final int FLAGS_OFFSET = 4;
    private static final int DATA_OFFSET_OFFSET = 5;

    private FlvHeader() {
    }

    /** The flags byte for the tracks a stream has. */
    public static int flags(boolean hasAudio, boolean hasVideo) {
        return (hasAudio ? FLAG_AUDIO : 0) | (hasVideo ? FLAG_VIDEO : 0);
    }

    /** Whether the {@link #HEADER_BYTES} at {@code offset} start with the signature 'FLV'. */
    public static boolean hasSignature(DirectBuffer buffer, int offset) {
        return buffer.getByte(offset) == 'F' && buffer.getByte(offset + 1) == 'L' && buffer.getByte(offset + 2) == 'V';
    }

    /** The data offset (unsigned 32 bits) of the header at {@code offset}: where PreviousTagSize0 starts. */
    public static long dataOffset(DirectBuffer buffer, int offset) {
        return buffer.getInt(offset + DATA_OFFSET_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    /** Writes {@link #LENGTH} bytes at {@code offset}; returns the offset after them. */
    public static int write(MutableDirectBuffer buffer, int offset, boolean hasAudio, boolean hasVideo) {
        buffer.putByte(offset, (byte) 'F');
        buffer.putByte(offset + 1, (byte) 'L');
        buffer.putByte(offset + 2, (byte) 'V');
        buffer.putByte(offset + VERSION_OFFSET, (byte) VERSION);
        buffer.putByte(offset + FLAGS_OFFSET, (byte) flags(hasAudio, hasVideo));
        FlvTag.putInt32(buffer, offset + DATA_OFFSET_OFFSET, HEADER_BYTES);
        FlvTag.putInt32(buffer, offset + HEADER_BYTES, 0);
        return offset + LENGTH;
    }
}
