package io.ringcast.ingest.flv;

import io.ringcast.ingest.RtmpProtocolException;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * Flyweight over an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.2.4.1), the body of an AVC sequence
 * header after the 5-byte video tag header; a reusable instance owned by one thread. {@link #wrap} validates the
 * whole record and records where each SPS and PPS lies in the wrapped buffer.
 * <pre>
 *  | version=1 | profile | compatibility | level | 111111 lengthSizeMinusOne:2 | 111 numSPS:5 |
 *  | { spsLength:16 | SPS NAL unit } * numSPS | numPPS:8 | { ppsLength:16 | PPS NAL unit } * numPPS | ...
 * </pre>
 */
public final class AvcDecoderConfigurationRecord {
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
    private static final int MAX_SPS = 31;
    private static final int MAX_PPS = 255;
    private static final int NAL_LENGTH_FIELD = 2;

    private final int[] spsOffsets = new int[MAX_SPS];
    private final int[] spsLengths = new int[MAX_SPS];
    private final int[] ppsOffsets = new int[MAX_PPS];
    private final int[] ppsLengths = new int[MAX_PPS];
    private int profileIndication;
    private int profileCompatibility;
    private int levelIndication;
    private int nalUnitLengthSize;
    private int spsCount;
    private int ppsCount;

    /**
     * Parses the record at {@code buffer[offset, offset + length)}.
     *
     * @return this flyweight.
     * @throws RtmpProtocolException if the record is truncated, of another version, or has no SPS.
     */
    public AvcDecoderConfigurationRecord wrap(final DirectBuffer buffer, final int offset, final int length) {
        if (length < FIXED_LENGTH) {
            throw new RtmpProtocolException("avc config truncated", "length=" + length);
        }
        final int version = buffer.getByte(offset) & 0xFF;
        if (version != CONFIGURATION_VERSION) {
            throw new RtmpProtocolException("avc config bad version", Integer.toString(version));
        }
        profileIndication = buffer.getByte(offset + PROFILE_OFFSET) & 0xFF;
        profileCompatibility = buffer.getByte(offset + COMPATIBILITY_OFFSET) & 0xFF;
        levelIndication = buffer.getByte(offset + LEVEL_OFFSET) & 0xFF;
        nalUnitLengthSize = (buffer.getByte(offset + LENGTH_SIZE_OFFSET) & LENGTH_SIZE_MASK) + 1;
        spsCount = buffer.getByte(offset + SPS_COUNT_OFFSET) & SPS_COUNT_MASK;
        if (spsCount == 0) {
            throw new RtmpProtocolException("avc config without sps");
        }
        final int end = offset + length;
        int position = readNalUnits(buffer, offset + FIXED_LENGTH, end, spsCount, spsOffsets, spsLengths);
        if (position >= end) {
            throw new RtmpProtocolException("avc config truncated", "no pps count");
        }
        ppsCount = buffer.getByte(position++) & 0xFF;
        readNalUnits(buffer, position, end, ppsCount, ppsOffsets, ppsLengths);
        return this;
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
     * @return size in bytes of the length prefix of each NAL unit in AVC NALU packets: 1, 2 or 4.
     */
    public int nalUnitLengthSize() {
        return nalUnitLengthSize;
    }

    /**
     * @return number of sequence parameter sets, at least 1.
     */
    public int spsCount() {
        return spsCount;
    }

    /**
     * @return index in the wrapped buffer of SPS {@code i} (its NAL header byte).
     */
    public int spsOffset(final int i) {
        checkIndex(i, spsCount);
        return spsOffsets[i];
    }

    /**
     * @return length of SPS {@code i}.
     */
    public int spsLength(final int i) {
        checkIndex(i, spsCount);
        return spsLengths[i];
    }

    /**
     * @return number of picture parameter sets.
     */
    public int ppsCount() {
        return ppsCount;
    }

    /**
     * @return index in the wrapped buffer of PPS {@code i}.
     */
    public int ppsOffset(final int i) {
        checkIndex(i, ppsCount);
        return ppsOffsets[i];
    }

    /**
     * @return length of PPS {@code i}.
     */
    public int ppsLength(final int i) {
        checkIndex(i, ppsCount);
        return ppsLengths[i];
    }

    private static int readNalUnits(
        final DirectBuffer buffer, final int start, final int end, final int count, final int[] offsets,
        final int[] lengths) {
        int position = start;
        for (int i = 0; i < count; i++) {
            if (end - position < NAL_LENGTH_FIELD) {
                throw new RtmpProtocolException("avc config truncated", "parameter set " + i);
            }
            final int length = buffer.getShort(position, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            position += NAL_LENGTH_FIELD;
            if (length == 0 || length > end - position) {
                throw new RtmpProtocolException("avc config truncated", "parameter set length " + length);
            }
            offsets[i] = position;
            lengths[i] = length;
            position += length;
        }
        return position;
    }

    private static void checkIndex(final int i, final int count) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("index " + i + " of " + count);
        }
    }
}
