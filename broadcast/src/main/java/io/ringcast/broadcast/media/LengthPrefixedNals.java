package io.ringcast.broadcast.media;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * NAL units each behind a big-endian length (the AVCC and HVCC framing of FLV and MP4, ISO/IEC 14496-15), walked for
 * H.264 and H.265 alike: to the Annex B byte stream (each behind a start code) and searched by NAL header. The codec
 * packages say which units count ({@link NalFilter}). Stateless and allocation-free; any thread, on buffers the
 * caller owns.
 */
public final class LengthPrefixedNals {
    /** The 4-byte start code written before every NAL unit. */
    public static final int START_CODE_LENGTH = 4;
    /** What {@link #toAnnexB} returns for data whose lengths run past its end. */
    public static final int MALFORMED = -1;

    private static final int LENGTH_SIZE_1 = 1;
    private static final int LENGTH_SIZE_2 = 2;
    private static final int LENGTH_SIZE_4 = 4;

    /** Which NAL units count, told by the first byte of their header (where both codecs keep the unit type). */
    @FunctionalInterface
    public interface NalFilter {
        boolean test(int firstHeaderByte);
    }

    private LengthPrefixedNals() {
    }

    /**
     * Copies the NAL units of {@code data[offset, offset + length)} that {@code keep} accepts to {@code out} from
     * {@code at}, each behind a start code. {@code out} grows by itself (an {@code ExpandableArrayBuffer}) or has
     * room for the data plus {@link #START_CODE_LENGTH} per NAL unit.
     *
     * @param nalUnitLengthSize the configuration record's NAL length size: 1, 2 or 4 (other sizes are read bytewise)
     * @return the offset in {@code out} after the last byte written, or {@link #MALFORMED}
     */
    public static int toAnnexB(final DirectBuffer data, final int offset, final int length,
                               final int nalUnitLengthSize, final MutableDirectBuffer out, final int at,
                               final NalFilter keep) {
        int written = at;
        int p = offset;
        final int end = offset + length;
        while (p < end) {
            if (p + nalUnitLengthSize > end) {
                return MALFORMED;
            }
            final int nalLength = nalLength(data, p, nalUnitLengthSize);
            p += nalUnitLengthSize;
            if (nalLength < 0 || nalLength > end - p) {
                return MALFORMED;
            }
            if (nalLength > 0 && keep.test(data.getByte(p) & 0xFF)) {
                out.putInt(written, 1, ByteOrder.BIG_ENDIAN);
                out.putBytes(written + START_CODE_LENGTH, data, p, nalLength);
                written += START_CODE_LENGTH + nalLength;
            }
            p += nalLength;
        }
        return written;
    }

    /**
     * @return true if any NAL unit of {@code data[offset, offset + length)} is one {@code match} accepts; false
     *         also for malformed data.
     */
    public static boolean any(final DirectBuffer data, final int offset, final int length,
                              final int nalUnitLengthSize, final NalFilter match) {
        int p = offset;
        final int end = offset + length;
        while (p + nalUnitLengthSize < end) {
            final int nalLength = nalLength(data, p, nalUnitLengthSize);
            p += nalUnitLengthSize;
            if (nalLength <= 0 || nalLength > end - p) {
                return false;
            }
            if (match.test(data.getByte(p) & 0xFF)) {
                return true;
            }
            p += nalLength;
        }
        return false;
    }

    /** The big-endian NAL unit length of {@code lengthSize} bytes at {@code at}. */
    public static int nalLength(final DirectBuffer data, final int at, final int lengthSize) {
        switch (lengthSize) {
            case LENGTH_SIZE_4:
                return data.getInt(at, ByteOrder.BIG_ENDIAN);
            case LENGTH_SIZE_2:
                return data.getShort(at, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            case LENGTH_SIZE_1:
                return data.getByte(at) & 0xFF;
            default:
                int n = 0;
                for (int i = 0; i < lengthSize; i++) {
                    n = (n << Byte.SIZE) | (data.getByte(at + i) & 0xFF);
                }
                return n;
        }
    }
}
