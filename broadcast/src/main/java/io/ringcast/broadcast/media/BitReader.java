package io.ringcast.broadcast.media;

import io.ringcast.broadcast.media.MediaFormatException;

/**
 * Reads bits most-significant first, and H.264 Exp-Golomb codes (ITU-T H.264 9.1), from a byte array range;
 * a reusable instance owned by one thread. Reading past the end raises {@link MediaFormatException}.
 */
public final class BitReader {
    private static final int MAX_EXP_GOLOMB_LEADING_ZEROS = 31;

    private final String what;
    private byte[] bytes;
    private long bitPosition;
    private long bitLimit;

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
