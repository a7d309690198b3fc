package io.ringcast.broadcast.media.avc;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * H.264 NAL units between AVCC framing (each behind a big-endian length, ISO/IEC 14496-15 5.3.4.2) and the Annex B
 * byte stream (each behind a start code, ITU-T H.264 Annex B). Stateless and allocation-free; any thread, on
 * buffers the caller owns.
 */
public final class AnnexB {
    /** The 4-byte start code written before every NAL unit. */
    public static final int START_CODE_LENGTH = 4;
    /** nal_unit_type is the low 5 bits of the NAL header byte. */
    public static final int NAL_TYPE_MASK = 0x1F;
    public static final int NAL_IDR = 5;
    public static final int NAL_SPS = 7;
    public static final int NAL_PPS = 8;
    public static final int NAL_AUD = 9;
    /** What {@link #convert} returns for AVCC data whose lengths run past its end. */
    public static final int MALFORMED = -1;

    private static final int LENGTH_SIZE_1 = 1;
    private static final int LENGTH_SIZE_2 = 2;
    private static final int LENGTH_SIZE_4 = 4;

    private AnnexB() {
    }

    /**
     * Copies the AVCC NAL units of {@code data[offset, offset + length)} to {@code out} from {@code at}, each behind
     * a start code, leaving out access unit delimiters and, when {@code dropParameterSets}, SPS and PPS: for a
     * writer that inserts its own (as an MPEG-TS muxer does before every IDR picture). {@code out} grows by itself
     * (an {@code ExpandableArrayBuffer}) or has room for the data plus {@link #START_CODE_LENGTH} per NAL unit.
     *
     * @param nalUnitLengthSize the record's NAL length size: 1, 2 or 4 (other sizes are read bytewise)
     * @return the offset in {@code out} after the last byte written, or {@link #MALFORMED}
     */
    public static int convert(final DirectBuffer data, final int offset, final int length,
                              final int nalUnitLengthSize, final MutableDirectBuffer out, final int at,
                              final boolean dropParameterSets) {
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
            if (nalLength > 0 && keep(data.getByte(p) & NAL_TYPE_MASK, dropParameterSets)) {
                out.putInt(written, 1, ByteOrder.BIG_ENDIAN);
                out.putBytes(written + START_CODE_LENGTH, data, p, nalLength);
                written += START_CODE_LENGTH + nalLength;
            }
            p += nalLength;
        }
        return written;
    }

    /** The given NAL units, in order, each behind a 4-byte start code; once per sequence header, so it allocates. */
    static byte[] join(final byte[][] first, final byte[][] second) {
        int length = 0;
        for (final byte[] unit : first) {
            length += START_CODE_LENGTH + unit.length;
        }
        for (final byte[] unit : second) {
            length += START_CODE_LENGTH + unit.length;
        }
        final byte[] joined = new byte[length];
        final int at = put(first, joined, 0);
        put(second, joined, at);
        return joined;
    }

    private static int put(final byte[][] units, final byte[] out, final int start) {
        int at = start;
        for (final byte[] unit : units) {
            out[at + START_CODE_LENGTH - 1] = 1;
            System.arraycopy(unit, 0, out, at + START_CODE_LENGTH, unit.length);
            at += START_CODE_LENGTH + unit.length;
        }
        return at;
    }

    private static boolean keep(final int nalType, final boolean dropParameterSets) {
        return nalType != NAL_AUD && !(dropParameterSets && (nalType == NAL_SPS || nalType == NAL_PPS));
    }

    private static int nalLength(final DirectBuffer data, final int at, final int lengthSize) {
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
