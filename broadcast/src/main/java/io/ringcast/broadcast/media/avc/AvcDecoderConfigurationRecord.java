package io.ringcast.broadcast.media.avc;

import io.ringcast.broadcast.media.CodecConfiguration;
import io.ringcast.broadcast.media.MediaFormatException;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.agrona.DirectBuffer;

/**
 * An AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.2.4.1), the body of an AVC sequence header after the 5-byte
 * video tag header, parsed once per sequence header; immutable and shared between threads. {@link #parse}
 * validates the whole record and keeps each SPS and PPS, and all of them as Annex B bytes ready to insert before
 * an IDR picture. Parsed rarely, so {@link #parse} allocates.
 * <pre>
 *  0        1        2        3        4            5
 * +--------+--------+--------+--------+------------+-----------+
 * |version | profile| compat | level  |111111 LL   |111 nSPS(5)|  LL = lengthSizeMinusOne
 * +--------+--------+--------+--------+------------+-----------+
 * nSPS x { u16 length, SPS NAL unit },  u8 nPPS,  nPPS x { u16 length, PPS NAL unit },  ... (high profiles)
 * </pre>
 */
public final class AvcDecoderConfigurationRecord implements CodecConfiguration {
    /** The only configurationVersion defined. */
    public static final int CONFIGURATION_VERSION = 1;

    private static final int FIXED_LENGTH = 6;
    private static final int PROFILE_OFFSET = 1;
    private static final int COMPATIBILITY_OFFSET = 2;
    private static final int LEVEL_OFFSET = 3;
    private static final int LENGTH_SIZE_OFFSET = 4;
    private static final int SPS_COUNT_OFFSET = 5;
    private static final int LENGTH_SIZE_MASK = 0x03;
    private static final int SPS_COUNT_MASK = 0x1F;
    private static final int NAL_LENGTH_FIELD = 2;

    private final int profileIndication;
    private final int profileCompatibility;
    private final int levelIndication;
    private final int nalUnitLengthSize;
    private final byte[][] sps;
    private final byte[][] pps;
    private final byte[] parameterSetsAnnexB;

    private AvcDecoderConfigurationRecord(final int profileIndication, final int profileCompatibility,
                                          final int levelIndication, final int nalUnitLengthSize, final byte[][] sps,
                                          final byte[][] pps) {
        this.profileIndication = profileIndication;
        this.profileCompatibility = profileCompatibility;
        this.levelIndication = levelIndication;
        this.nalUnitLengthSize = nalUnitLengthSize;
        this.sps = sps;
        this.pps = pps;
        this.parameterSetsAnnexB = AnnexB.join(sps, pps);
    }

    /**
     * Parses the record at {@code buffer[offset, offset + length)}.
     *
     * @return the record's facts and parameter sets.
     * @throws MediaFormatException if the record is truncated, of another version, or has no SPS.
     */
    public static AvcDecoderConfigurationRecord parse(final DirectBuffer buffer, final int offset, final int length) {
        if (length < FIXED_LENGTH) {
            throw new MediaFormatException("avc config truncated", "length=" + length);
        }
        final int version = buffer.getByte(offset) & 0xFF;
        if (version != CONFIGURATION_VERSION) {
            throw new MediaFormatException("avc config bad version", Integer.toString(version));
        }
        final int spsCount = buffer.getByte(offset + SPS_COUNT_OFFSET) & SPS_COUNT_MASK;
        if (spsCount == 0) {
            throw new MediaFormatException("avc config without sps");
        }
        final int end = offset + length;
        final byte[][] sps = new byte[spsCount][];
        int position = readNalUnits(buffer, offset + FIXED_LENGTH, end, sps);
        if (position >= end) {
            throw new MediaFormatException("avc config truncated", "no pps count");
        }
        final byte[][] pps = new byte[buffer.getByte(position++) & 0xFF][];
        readNalUnits(buffer, position, end, pps);
        return new AvcDecoderConfigurationRecord(buffer.getByte(offset + PROFILE_OFFSET) & 0xFF,
            buffer.getByte(offset + COMPATIBILITY_OFFSET) & 0xFF, buffer.getByte(offset + LEVEL_OFFSET) & 0xFF,
            (buffer.getByte(offset + LENGTH_SIZE_OFFSET) & LENGTH_SIZE_MASK) + 1, sps, pps);
    }

    /**
     * @return AVCProfileIndication, the H.264 profile_idc (66 baseline, 77 main, 100 high, ...).
     */
    public int profileIndication() {
        return profileIndication;
    }

    /**
     * @return profile_compatibility, the byte of H.264 constraint flags.
     */
    public int profileCompatibility() {
        return profileCompatibility;
    }

    /**
     * @return AVCLevelIndication, the H.264 level_idc (e.g. 31 for level 3.1).
     */
    public int levelIndication() {
        return levelIndication;
    }

    /**
     * @return size in bytes of the big-endian length prefix of each NAL unit in AVC NALU packets: 1, 2 or 4.
     */
    public int nalUnitLengthSize() {
        return nalUnitLengthSize;
    }

    /**
     * @return number of sequence parameter sets, at least 1.
     */
    public int spsCount() {
        return sps.length;
    }

    /**
     * @return SPS {@code i} (from its NAL header byte); shared, callers must not modify it.
     */
    public byte[] sps(final int i) {
        return sps[i];
    }

    /**
     * @return number of picture parameter sets (a stream a decoder can use has at least 1).
     */
    public int ppsCount() {
        return pps.length;
    }

    /**
     * @return PPS {@code i}; shared, callers must not modify it.
     */
    public byte[] pps(final int i) {
        return pps[i];
    }

    /**
     * @return all SPS then all PPS, each behind a 4-byte start code; shared, callers must not modify it.
     */
    public byte[] parameterSetsAnnexB() {
        return parameterSetsAnnexB;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof AvcDecoderConfigurationRecord r && profileIndication == r.profileIndication
            && profileCompatibility == r.profileCompatibility && levelIndication == r.levelIndication
            && nalUnitLengthSize == r.nalUnitLengthSize && Arrays.equals(parameterSetsAnnexB, r.parameterSetsAnnexB);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(parameterSetsAnnexB);
    }

    @Override
    public String toString() {
        return "AvcDecoderConfigurationRecord[profile " + profileIndication + ", level " + levelIndication
            + ", NAL length " + nalUnitLengthSize + ", " + sps.length + " SPS, " + pps.length + " PPS]";
    }

    private static int readNalUnits(final DirectBuffer buffer, final int start, final int end, final byte[][] units) {
        int position = start;
        for (int i = 0; i < units.length; i++) {
            if (end - position < NAL_LENGTH_FIELD) {
                throw new MediaFormatException("avc config truncated", "parameter set " + i);
            }
            final int length = buffer.getShort(position, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            position += NAL_LENGTH_FIELD;
            if (length == 0 || length > end - position) {
                throw new MediaFormatException("avc config truncated", "parameter set length " + length);
            }
            units[i] = new byte[length];
            buffer.getBytes(position, units[i]);
            position += length;
        }
        return position;
    }
}
