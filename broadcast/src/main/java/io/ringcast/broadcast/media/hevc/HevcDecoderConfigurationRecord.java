package io.ringcast.broadcast.media.hevc;

import io.ringcast.broadcast.media.CodecConfiguration;
import io.ringcast.broadcast.media.MediaFormatException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3.1.2), the body of an HEVC sequence header (legacy
 * codec id 12) or of an Enhanced RTMP 'hvc1' SequenceStart, parsed once per sequence header; immutable and shared
 * between threads. {@link #parse} validates the whole record and keeps its NAL unit arrays, and the VPS, SPS and PPS
 * as Annex B bytes ready to insert before an IRAP picture; {@link #toBytes} writes the record back. Parsed rarely,
 * so it allocates.
 * <pre>
 *  0 version | 1 space 2b, tier 1b, profile_idc 5b | 2..5 compatibility flags | 6..11 constraint flags | 12 level
 *  13..14 1111 min_spatial_segmentation 12b | 15 111111 parallelismType 2b | 16 111111 chromaFormat 2b
 *  17 11111 bitDepthLumaMinus8 3b | 18 11111 bitDepthChromaMinus8 3b | 19..20 avgFrameRate
 *  21 constantFrameRate 2b, numTemporalLayers 3b, temporalIdNested 1b, lengthSizeMinusOne 2b | 22 numOfArrays
 *  numOfArrays x { completeness 1b, 0, NAL_unit_type 6b | u16 numNalus | numNalus x { u16 length | NAL unit } }
 * </pre>
 */
public final class HevcDecoderConfigurationRecord implements CodecConfiguration {
    /** The only configurationVersion defined. */
    public static final int CONFIGURATION_VERSION = 1;
    /** Bytes in front of the NAL unit arrays. */
    public static final int FIXED_LENGTH = 23;

    private static final int PROFILE_OFFSET = 1;
    private static final int COMPATIBILITY_OFFSET = 2;
    private static final int CONSTRAINT_OFFSET = 6;
    private static final int CONSTRAINT_BYTES = 6;
    private static final int LEVEL_OFFSET = 12;
    private static final int CHROMA_OFFSET = 16;
    private static final int BIT_DEPTH_LUMA_OFFSET = 17;
    private static final int BIT_DEPTH_CHROMA_OFFSET = 18;
    private static final int LENGTH_SIZE_OFFSET = 21;
    private static final int ARRAY_COUNT_OFFSET = 22;
    private static final int TWO_BITS = 0x03;
    private static final int THREE_BITS = 0x07;
    private static final int FIVE_BITS = 0x1F;
    private static final int NAL_TYPE_MASK = 0x3F;
    private static final int ARRAY_COMPLETE = 0x80;
    private static final int PROFILE_SPACE_SHIFT = 6;
    private static final int TIER_SHIFT = 5;
    private static final int TEMPORAL_LAYERS_SHIFT = 3;
    private static final int ARRAY_HEADER_LENGTH = 3;
    private static final int TEMPORAL_ID_NESTED = 0x04;
    private static final int NAL_LENGTH_FIELD = 2;
    private static final int BIT_DEPTH_BASE = 8;

    private final byte[] fixed;
    private final int[] arrayTypes;
    private final byte[][][] arrays;
    private final byte[] parameterSetsAnnexB;

    private HevcDecoderConfigurationRecord(final byte[] fixed, final int[] arrayTypes, final byte[][][] arrays) {
        this.fixed = fixed;
        this.arrayTypes = arrayTypes;
        this.arrays = arrays;
        this.parameterSetsAnnexB = joinAnnexB(arrayTypes, arrays);
    }

    /**
     * Parses the record at {@code buffer[offset, offset + length)}.
     *
     * @return the record's facts and NAL unit arrays.
     * @throws MediaFormatException if the record is truncated, of another version, or has no SPS.
     */
    public static HevcDecoderConfigurationRecord parse(final DirectBuffer buffer, final int offset,
                                                       final int length) {
        if (length < FIXED_LENGTH) {
            throw new MediaFormatException("hevc config truncated", "length=" + length);
        }
        final int version = buffer.getByte(offset) & 0xFF;
        if (version != CONFIGURATION_VERSION) {
            throw new MediaFormatException("hevc config bad version", Integer.toString(version));
        }
        final byte[] fixed = new byte[FIXED_LENGTH];
        buffer.getBytes(offset, fixed);
        final int arrayCount = fixed[ARRAY_COUNT_OFFSET] & 0xFF;
        final int end = offset + length;
        int position = offset + FIXED_LENGTH;
        final int[] types = new int[arrayCount];
        final byte[][][] arrays = new byte[arrayCount][][];
        for (int a = 0; a < arrayCount; a++) {
            if (end - position < ARRAY_HEADER_LENGTH) {
                throw new MediaFormatException("hevc config truncated", "array " + a);
            }
            types[a] = buffer.getByte(position) & 0xFF;
            final int count = buffer.getShort(position + 1, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            position += ARRAY_HEADER_LENGTH;
            if (count * NAL_LENGTH_FIELD > end - position) {
                throw new MediaFormatException("hevc config truncated", "array " + a + " of " + count + " units");
            }
            arrays[a] = new byte[count][];
            position = readNalUnits(buffer, position, end, arrays[a]);
        }
        final HevcDecoderConfigurationRecord record = new HevcDecoderConfigurationRecord(fixed, types, arrays);
        if (record.count(HevcAnnexB.NAL_SPS) == 0) {
            throw new MediaFormatException("hevc config without sps");
        }
        return record;
    }

    /**
     * Builds a record from parameter sets (each from its NAL header), taking the profile, tier, level and chroma
     * facts from the SPS (one temporal layer, nested, as x265 writes it): for a publisher that has Annex B
     * parameter sets and must send a record (codec id 12 or 'hvc1'). NAL units are 4-byte length prefixed.
     *
     * @throws MediaFormatException if the SPS does not parse.
     */
    public static HevcDecoderConfigurationRecord of(final byte[] vps, final byte[] sps, final byte[] pps) {
        final HevcSpsInfo info = new HevcSpsParser().parse(new UnsafeBuffer(sps), 0, sps.length);
        final byte[] fixed = new byte[FIXED_LENGTH];
        fixed[0] = CONFIGURATION_VERSION;
        fixed[PROFILE_OFFSET] = (byte)((info.profileSpace() << PROFILE_SPACE_SHIFT) | (info.tierFlag() << TIER_SHIFT)
            | info.profileIdc());
        new UnsafeBuffer(fixed).putInt(COMPATIBILITY_OFFSET, info.profileCompatibilityFlags(), ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < CONSTRAINT_BYTES; i++) {
            fixed[CONSTRAINT_OFFSET + i] = (byte)(info.constraintFlags() >>> (Byte.SIZE * (CONSTRAINT_BYTES - 1 - i)));
        }
        fixed[LEVEL_OFFSET] = (byte)info.levelIdc();
        fixed[LEVEL_OFFSET + 1] = (byte)0xF0;
        fixed[LEVEL_OFFSET + 3] = (byte)0xFC;
        fixed[CHROMA_OFFSET] = (byte)(0xFC | info.chromaFormatIdc());
        fixed[BIT_DEPTH_LUMA_OFFSET] = (byte)(0xF8 | (info.bitDepthLuma() - BIT_DEPTH_BASE));
        fixed[BIT_DEPTH_CHROMA_OFFSET] = (byte)(0xF8 | (info.bitDepthChroma() - BIT_DEPTH_BASE));
        fixed[LENGTH_SIZE_OFFSET] = (byte)((1 << TEMPORAL_LAYERS_SHIFT) | TEMPORAL_ID_NESTED | TWO_BITS);
        fixed[ARRAY_COUNT_OFFSET] = 3;
        return new HevcDecoderConfigurationRecord(fixed,
            new int[] {ARRAY_COMPLETE | HevcAnnexB.NAL_VPS, ARRAY_COMPLETE | HevcAnnexB.NAL_SPS,
                ARRAY_COMPLETE | HevcAnnexB.NAL_PPS},
            new byte[][][] {{vps.clone()}, {sps.clone()}, {pps.clone()}});
    }

    /**
     * @return the record as {@link #parse} reads it: the fixed fields, then every array as it came (arrays built by
     *         {@link #of} are marked complete).
     */
    public byte[] toBytes() {
        int length = FIXED_LENGTH;
        for (final byte[][] units : arrays) {
            length += ARRAY_HEADER_LENGTH;
            for (final byte[] unit : units) {
                length += NAL_LENGTH_FIELD + unit.length;
            }
        }
        final UnsafeBuffer out = new UnsafeBuffer(new byte[length]);
        out.putBytes(0, fixed);
        int at = FIXED_LENGTH;
        for (int a = 0; a < arrays.length; a++) {
            out.putByte(at, (byte)arrayTypes[a]);
            out.putShort(at + 1, (short)arrays[a].length, ByteOrder.BIG_ENDIAN);
            at += ARRAY_HEADER_LENGTH;
            for (final byte[] unit : arrays[a]) {
                out.putShort(at, (short)unit.length, ByteOrder.BIG_ENDIAN);
                out.putBytes(at + NAL_LENGTH_FIELD, unit);
                at += NAL_LENGTH_FIELD + unit.length;
            }
        }
        return out.byteArray();
    }

    /**
     * @return general_profile_space (0 for every profile in use).
     */
    public int profileSpace() {
        return (fixed[PROFILE_OFFSET] & 0xFF) >>> PROFILE_SPACE_SHIFT;
    }

    /**
     * @return general_tier_flag: 0 Main tier, 1 High tier.
     */
    public int tierFlag() {
        return (fixed[PROFILE_OFFSET] >>> TIER_SHIFT) & 1;
    }

    /**
     * @return general_profile_idc: 1 Main, 2 Main 10, 3 Main Still Picture, 4 range extensions.
     */
    public int profileIdc() {
        return fixed[PROFILE_OFFSET] & FIVE_BITS;
    }

    /**
     * @return general_profile_compatibility_flags, flag 0 in the top bit.
     */
    public int profileCompatibilityFlags() {
        return new UnsafeBuffer(fixed).getInt(COMPATIBILITY_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /**
     * @return general_level_idc: 30 times the level (93 for 3.1).
     */
    public int levelIdc() {
        return fixed[LEVEL_OFFSET] & 0xFF;
    }

    /**
     * @return chroma_format_idc: 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4.
     */
    public int chromaFormatIdc() {
        return fixed[CHROMA_OFFSET] & TWO_BITS;
    }

    /**
     * @return luma bit depth, 8 to 15.
     */
    public int bitDepthLuma() {
        return BIT_DEPTH_BASE + (fixed[BIT_DEPTH_LUMA_OFFSET] & THREE_BITS);
    }

    /**
     * @return chroma bit depth, 8 to 15.
     */
    public int bitDepthChroma() {
        return BIT_DEPTH_BASE + (fixed[BIT_DEPTH_CHROMA_OFFSET] & THREE_BITS);
    }

    /**
     * @return numTemporalLayers (0: unknown).
     */
    public int numTemporalLayers() {
        return (fixed[LENGTH_SIZE_OFFSET] >>> TEMPORAL_LAYERS_SHIFT) & THREE_BITS;
    }

    /**
     * @return size in bytes of the big-endian length in front of each NAL unit of coded frames: 1, 2 or 4.
     */
    public int nalUnitLengthSize() {
        return (fixed[LENGTH_SIZE_OFFSET] & TWO_BITS) + 1;
    }

    /**
     * @return the number of NAL unit arrays.
     */
    public int arrayCount() {
        return arrays.length;
    }

    /**
     * @return the NAL_unit_type of array {@code a}.
     */
    public int arrayType(final int a) {
        return arrayTypes[a] & NAL_TYPE_MASK;
    }

    /**
     * @return how many NAL units of {@code nalType} the arrays hold.
     */
    public int count(final int nalType) {
        int n = 0;
        for (int a = 0; a < arrays.length; a++) {
            n += arrayType(a) == nalType ? arrays[a].length : 0;
        }
        return n;
    }

    /**
     * @return the {@code i}-th NAL unit of {@code nalType} (from its NAL header); shared, callers must not modify it.
     * @throws IndexOutOfBoundsException if there are not that many.
     */
    public byte[] unit(final int nalType, final int i) {
        int skip = i;
        for (int a = 0; a < arrays.length; a++) {
            if (arrayType(a) == nalType) {
                if (skip < arrays[a].length) {
                    return arrays[a][skip];
                }
                skip -= arrays[a].length;
            }
        }
        throw new IndexOutOfBoundsException("no " + nalType + " NAL unit " + i);
    }

    /**
     * @return all VPS, then all SPS, then all PPS, each behind a 4-byte start code; shared, callers must not modify
     *         it.
     */
    public byte[] parameterSetsAnnexB() {
        return parameterSetsAnnexB;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof HevcDecoderConfigurationRecord r && Arrays.equals(fixed, r.fixed)
            && Arrays.equals(parameterSetsAnnexB, r.parameterSetsAnnexB);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(parameterSetsAnnexB);
    }

    @Override
    public String toString() {
        return "HevcDecoderConfigurationRecord[profile " + profileIdc() + ", tier " + tierFlag() + ", level "
            + levelIdc() + ", NAL length " + nalUnitLengthSize() + ", " + count(HevcAnnexB.NAL_VPS) + " VPS, "
            + count(HevcAnnexB.NAL_SPS) + " SPS, " + count(HevcAnnexB.NAL_PPS) + " PPS]";
    }

    private static byte[] joinAnnexB(final int[] types, final byte[][][] arrays) {
        final List<byte[]> units = new ArrayList<>();
        for (int type = HevcAnnexB.NAL_VPS; type <= HevcAnnexB.NAL_PPS; type++) {
            for (int a = 0; a < arrays.length; a++) {
                if ((types[a] & NAL_TYPE_MASK) == type) {
                    units.addAll(Arrays.asList(arrays[a]));
                }
            }
        }
        int length = 0;
        for (final byte[] unit : units) {
            length += HevcAnnexB.START_CODE_LENGTH + unit.length;
        }
        final byte[] joined = new byte[length];
        int at = 0;
        for (final byte[] unit : units) {
            joined[at + HevcAnnexB.START_CODE_LENGTH - 1] = 1;
            System.arraycopy(unit, 0, joined, at + HevcAnnexB.START_CODE_LENGTH, unit.length);
            at += HevcAnnexB.START_CODE_LENGTH + unit.length;
        }
        return joined;
    }

    private static int readNalUnits(final DirectBuffer buffer, final int start, final int end, final byte[][] units) {
        int position = start;
        for (int i = 0; i < units.length; i++) {
            if (end - position < NAL_LENGTH_FIELD) {
                throw new MediaFormatException("hevc config truncated", "NAL unit " + i);
            }
            final int length = buffer.getShort(position, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            position += NAL_LENGTH_FIELD;
            if (length == 0 || length > end - position) {
                throw new MediaFormatException("hevc config truncated", "NAL unit length " + length);
            }
            units[i] = new byte[length];
            buffer.getBytes(position, units[i]);
            position += length;
        }
        return position;
    }
}
