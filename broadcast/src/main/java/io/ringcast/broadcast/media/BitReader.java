package io.ringcast.broadcast.media;

import org.agrona.DirectBuffer;

/**
 * Reads bits most-significant first, and H.264 Exp-Golomb codes (ITU-T H.264 9.1), from a byte array range or a
 * NAL unit's RBSP; a reusable instance owned by one thread. Reading past the end raises {@link MediaFormatException}.
 */
public final class BitReader {
    private static final int MAX_EXP_GOLOMB_LEADING_ZEROS = 31;
    private static final int EMULATION_PREVENTION_BYTE = 0x03;
    private static final int INITIAL_RBSP_BYTES = 128;

    private final String what;
    private byte[] bytes;
    private long bitPosition;
    private long bitLimit;
    /** Where {@link #wrapRbsp} unescapes to; grows to the longest NAL unit read, then is reused. */
    private byte[] rbsp = new byte[INITIAL_RBSP_BYTES];

    /**
     * @param what the structure read, the start of every exception reason (e.g. "sps").
     */
    public BitReader(final String what) {
        this.what = what;
    }

    public BitReader wrap(final byte[] bytes, final int offset, final int length) {
        this.bytes = bytes;
        this.bitPosition = (long)offset * Byte.SIZE;
        this.bitLimit = (long)(offset + length) * Byte.SIZE;
        return this;
    }

    /**
     * Reads a NAL unit's payload as RBSP: copies {@code buffer[offset, offset + length)} without the emulation
     * prevention bytes the byte stream adds (00 00 03 becomes 00 00; H.264 7.4.1, H.265 7.4.2) and reads that.
     */
    public BitReader wrapRbsp(final DirectBuffer buffer, final int offset, final int length) {
        if (rbsp.length < length) {
            rbsp = new byte[length];
        }
        int zeros = 0;
        int out = 0;
        for (int i = 0; i < length; i++) {
            final int b = buffer.getByte(offset + i) & 0xFF;
            if (zeros >= 2 && b == EMULATION_PREVENTION_BYTE) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            rbsp[out++] = (byte)b;
        }
        return wrap(rbsp, 0, out);
    }

    public int readBit() {
        if (bitPosition >= bitLimit) {
            throw new MediaFormatException(what + " truncated");
        }
        final int index = (int)(bitPosition >>> 3);
        final int shift = 7 - (int)(bitPosition & 7);
        bitPosition++;
        return (bytes[index] >>> shift) & 1;
    }

    /** Reads up to 32 bits as an unsigned value. */
    public long readBits(final int count) {
        long value = 0;
        for (int i = 0; i < count; i++) {
            value = (value << 1) | readBit();
        }
        return value;
    }

    public int readUnsigned(final int count) {
        return (int)readBits(count);
    }

    public boolean readFlag() {
        return readBit() != 0;
    }

    public void skipBits(final int count) {
        if (count > bitLimit - bitPosition) {
            throw new MediaFormatException(what + " truncated");
        }
        bitPosition += count;
    }

    /** ue(v): unsigned Exp-Golomb code, up to 2^32 - 2. */
    public long readUe() {
        int leadingZeros = 0;
        while (readBit() == 0) {
            leadingZeros++;
            if (leadingZeros > MAX_EXP_GOLOMB_LEADING_ZEROS) {
                throw new MediaFormatException(what + " bad exp-golomb code");
            }
        }
        return (1L << leadingZeros) - 1 + readBits(leadingZeros);
    }

    /** ue(v) that must not exceed {@code max}. */
    public int readUe(final int max, final String field) {
        final long value = readUe();
        if (value > max) {
            throw new MediaFormatException(what + " value out of range", field + "=" + value);
        }
        return (int)value;
    }

    /** se(v): signed Exp-Golomb code. */
    public long readSe() {
        final long codeNum = readUe();
        return (codeNum & 1) != 0 ? (codeNum + 1) / 2 : -(codeNum / 2);
    }
}
