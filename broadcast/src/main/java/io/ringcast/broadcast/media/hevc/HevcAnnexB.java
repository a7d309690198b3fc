package io.ringcast.broadcast.media.hevc;

import io.ringcast.broadcast.media.LengthPrefixedNals;
import io.ringcast.broadcast.media.LengthPrefixedNals.NalFilter;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * H.265 NAL units between HVCC framing (each behind a big-endian length, ISO/IEC 14496-15 8.3.3.1) and the Annex B
 * byte stream (each behind a start code, ITU-T H.265 Annex B), and the NAL unit types (ITU-T H.265 table 7-1) the
 * packagers look for. Stateless and allocation-free; any thread, on buffers the caller owns.
 * <pre>
 *  NAL unit header (2 bytes): | forbidden 1b | nal_unit_type 6b | nuh_layer_id 6b | nuh_temporal_id_plus1 3b |
 * </pre>
 */
public final class HevcAnnexB {
    /** The 4-byte start code written before every NAL unit. */
    public static final int START_CODE_LENGTH = LengthPrefixedNals.START_CODE_LENGTH;
    /** Bytes of the NAL unit header. */
    public static final int NAL_HEADER_LENGTH = 2;
    /** First IRAP type (BLA_W_LP); IRAP pictures are types 16 to 23. */
    public static final int NAL_BLA_W_LP = 16;
    public static final int NAL_IDR_W_RADL = 19;
    public static final int NAL_IDR_N_LP = 20;
    public static final int NAL_CRA = 21;
    /** Last type reserved for IRAP pictures. */
    public static final int NAL_RSV_IRAP_23 = 23;
    public static final int NAL_VPS = 32;
    public static final int NAL_SPS = 33;
    public static final int NAL_PPS = 34;
    public static final int NAL_AUD = 35;
    public static final int NAL_SEI_PREFIX = 39;
    /** What {@link #convert} and {@link #toLengthPrefixed} return for data that breaks its framing. */
    public static final int MALFORMED = LengthPrefixedNals.MALFORMED;

    private static final int NAL_TYPE_SHIFT = 1;
    private static final int NAL_TYPE_MASK = 0x3F;
    private static final NalFilter KEEP_ALL_BUT_AUD = b -> nalType(b) != NAL_AUD;
    private static final NalFilter KEEP_PICTURE_DATA = b -> {
        final int type = nalType(b);
        return type != NAL_AUD && (type < NAL_VPS || type > NAL_PPS);
    };
    private static final NalFilter IRAP = b -> isIrap(nalType(b));
    private static final int SHORT_START_CODE_LENGTH = 3;

    private HevcAnnexB() {
    }

    /**
     * @return the nal_unit_type of the NAL unit whose header starts with {@code firstByte}.
     */
    public static int nalType(final int firstByte) {
        return (firstByte >>> NAL_TYPE_SHIFT) & NAL_TYPE_MASK;
    }

    /**
     * @return true for the types of IRAP pictures (BLA, IDR, CRA: random access points).
     */
    public static boolean isIrap(final int nalType) {
        return nalType >= NAL_BLA_W_LP && nalType <= NAL_RSV_IRAP_23;
    }

    /**
     * Copies the HVCC NAL units of {@code data[offset, offset + length)} to {@code out} from {@code at}, each behind
     * a start code, leaving out access unit delimiters and, when {@code dropParameterSets}, VPS, SPS and PPS: for a
     * writer that inserts its own (as an MPEG-TS muxer does before every IRAP picture). {@code out} grows by itself
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

    /**
     * Whether the HVCC data holds an IRAP picture's NAL unit; for a packager deciding where parameter sets go.
     *
     * @return true if any NAL unit is of an IRAP type; false also for malformed data.
     */
    public static boolean containsIrap(final DirectBuffer data, final int offset, final int length,
                                       final int nalUnitLengthSize) {
        return LengthPrefixedNals.any(data, offset, length, nalUnitLengthSize, IRAP);
    }

    /**
     * Copies the Annex B byte stream {@code data[offset, offset + length)} (3- or 4-byte start codes) to {@code out}
     * from {@code at} with each NAL unit behind a 4-byte big-endian length instead: HVCC framing with a NAL length
     * size of 4. Trailing zero bytes of a NAL unit are kept (they cannot be told from a 4-byte start code's first).
     *
     * @return the offset in {@code out} after the last byte written, or {@link #MALFORMED} if the data does not
     *         start with a start code.
     */
    public static int toLengthPrefixed(final DirectBuffer data, final int offset, final int length,
                                       final MutableDirectBuffer out, final int at) {
        final int end = offset + length;
        int start = nextUnitStart(data, offset, end);
        if (start < 0 || start - offset > START_CODE_LENGTH) {
            return MALFORMED;
        }
        int written = at;
        while (start >= 0 && start < end) {
            final int next = nextUnitStart(data, start, end);
            final int unitEnd = next < 0 ? end : next - startCodeLength(data, next);
            out.putInt(written, unitEnd - start, ByteOrder.BIG_ENDIAN);
            out.putBytes(written + START_CODE_LENGTH, data, start, unitEnd - start);
            written += START_CODE_LENGTH + unitEnd - start;
            start = next;
        }
        return written;
    }

    /** The position after the next 00 00 01 at or after {@code from}, or -1. */
    private static int nextUnitStart(final DirectBuffer data, final int from, final int end) {
        for (int i = from; i + SHORT_START_CODE_LENGTH <= end; i++) {
            if (data.getByte(i) == 0 && data.getByte(i + 1) == 0 && data.getByte(i + 2) == 1) {
                return i + SHORT_START_CODE_LENGTH;
            }
        }
        return -1;
    }

    /** 3 or 4: the length of the start code that ends just before {@code unitStart}. */
    private static int startCodeLength(final DirectBuffer data, final int unitStart) {
        return unitStart >= START_CODE_LENGTH && data.getByte(unitStart - START_CODE_LENGTH) == 0 ?
            START_CODE_LENGTH : SHORT_START_CODE_LENGTH;
    }
}
