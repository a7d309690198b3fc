package io.ringcast.broadcast.hls;

import org.agrona.DirectBuffer;

/**
 * The parts of an H.264 AVCDecoderConfigurationRecord (ISO 14496-15 5.2.4.1) the TS muxer needs: the NAL length
 * size of the AVCC frames and the SPS/PPS, kept as Annex B bytes ready to insert before every IDR. Owned by the
 * segmenter thread; replaced in place when a new sequence header arrives (rare, so that may allocate).
 *
 * <pre>
 *  0        1        2        3        4            5
 * +--------+--------+--------+--------+------------+-----------+
 * |version | profile| compat | level  |111111 LL   |111 nSPS(5)|  LL = lengthSizeMinusOne
 * +--------+--------+--------+--------+------------+-----------+
 * nSPS x { u16 length, SPS bytes },  u8 nPPS,  nPPS x { u16 length, PPS bytes }
 * </pre>
 */
public final class AvcDecoderConfig {
    /** The 4-byte Annex B start code written before every NAL unit. */
    public static final int START_CODE_LENGTH = 4;
    private static final int FIXED_HEADER_LENGTH = 6;
    private static final int PARAMETER_SET_LENGTH_BYTES = 2;
    private static final int LENGTH_SIZE_MASK = 0x03;
    private static final int SPS_COUNT_MASK = 0x1F;

    private int nalLengthSize;
    private byte[] parameterSets = new byte[0];
    private boolean valid;

    /**
     * Reads a record; returns false (and keeps the previous configuration invalidated) when it is truncated or
     * has no SPS or no PPS.
     */
    public boolean read(DirectBuffer buffer, int offset, int length) {
        valid = false;
        if (length < FIXED_HEADER_LENGTH) {
            return false;
        }
        int end = offset + length;
        int lengthSize = (buffer.getByte(offset + 4) & LENGTH_SIZE_MASK) + 1;
        int at = offset + 5;
        int spsCount = buffer.getByte(at++) & SPS_COUNT_MASK;
        int annexBLength = 0;
        int spsStart = at;
        for (int i = 0; i < spsCount; i++) {
            if (at + PARAMETER_SET_LENGTH_BYTES > end) {
                return false;
            }
            int n = buffer.getShort(at, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
            at += PARAMETER_SET_LENGTH_BYTES + n;
            annexBLength += START_CODE_LENGTH + n;
        }
        if (at >= end) {
            return false;
        }
        int ppsCount = buffer.getByte(at++) & 0xFF;
        int ppsStart = at;
        for (int i = 0; i < ppsCount; i++) {
            if (at + PARAMETER_SET_LENGTH_BYTES > end) {
                return false;
            }
            int n = buffer.getShort(at, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
            at += PARAMETER_SET_LENGTH_BYTES + n;
            annexBLength += START_CODE_LENGTH + n;
        }
        if (at > end || spsCount == 0 || ppsCount == 0) {
            return false;
        }
        byte[] sets = new byte[annexBLength];
        int out = copySets(buffer, spsStart, spsCount, sets, 0);
        copySets(buffer, ppsStart, ppsCount, sets, out);
        parameterSets = sets;
        nalLengthSize = lengthSize;
        valid = true;
        return true;
    }

    private static int copySets(DirectBuffer buffer, int at, int count, byte[] out, int outAt) {
        for (int i = 0; i < count; i++) {
            int n = buffer.getShort(at, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
            out[outAt + 3] = 1;
            buffer.getBytes(at + PARAMETER_SET_LENGTH_BYTES, out, outAt + START_CODE_LENGTH, n);
            outAt += START_CODE_LENGTH + n;
            at += PARAMETER_SET_LENGTH_BYTES + n;
        }
        return outAt;
    }

    /** Whether a usable record has been read. */
    public boolean isValid() {
        return valid;
    }

    /** Bytes of the big-endian length in front of each NAL unit of the frames (1, 2 or 4). */
    public int nalLengthSize() {
        return nalLengthSize;
    }

    /** All SPS then all PPS, each behind a 4-byte start code; never modified, callers must not modify it. */
    public byte[] parameterSetsAnnexB() {
        return parameterSets;
    }

    /** Forgets the configuration (a new publisher must send its own). */
    public void clear() {
        valid = false;
    }
}
