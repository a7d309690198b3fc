package io.ringcast.broadcast.media.avc;

import io.ringcast.broadcast.media.LengthPrefixedNals;
import io.ringcast.broadcast.media.LengthPrefixedNals.NalFilter;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * H.264 NAL units between AVCC framing (each behind a big-endian length, ISO/IEC 14496-15 5.3.4.2) and the Annex B
 * byte stream (each behind a start code, ITU-T H.264 Annex B). Stateless and allocation-free; any thread, on
 * buffers the caller owns.
 */
public final class AnnexB {
    /** The 4-byte start code written before every NAL unit. */
    public static final int START_CODE_LENGTH = LengthPrefixedNals.START_CODE_LENGTH;
    /** nal_unit_type is the low 5 bits of the NAL header byte. */
    public static final int NAL_TYPE_MASK = 0x1F;
    public static final int NAL_IDR = 5;
    public static final int NAL_SPS = 7;
    public static final int NAL_PPS = 8;
    public static final int NAL_AUD = 9;
    /** What {@link #convert} returns for AVCC data whose lengths run past its end. */
    public static final int MALFORMED = LengthPrefixedNals.MALFORMED;

    private static final NalFilter KEEP_ALL_BUT_AUD = b -> (b & NAL_TYPE_MASK) != NAL_AUD;
    private static final NalFilter KEEP_PICTURE_DATA = b -> {
        final int type = b & NAL_TYPE_MASK;
        return type != NAL_AUD && type != NAL_SPS && type != NAL_PPS;
    };

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
        return LengthPrefixedNals.toAnnexB(data, offset, length, nalUnitLengthSize, out, at,
                dropParameterSets ? KEEP_PICTURE_DATA : KEEP_ALL_BUT_AUD);
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
}
