package io.ringcast.ingest.flv;

import io.ringcast.ingest.RtmpProtocolException;

/**
 * Reads bits most-significant first, and H.264 Exp-Golomb codes (ITU-T H.264 9.1), from a byte array range;
 * a reusable instance owned by one thread. Reading past the end raises {@link RtmpProtocolException}.
 */
final class BitReader {
    private static final int MAX_EXP_GOLOMB_LEADING_ZEROS = 31;

    private final String what;
    private byte[] bytes;
    private long bitPosition;
    private long bitLimit;

    BitReader(final String what) {
        this.what = what;
    }

    BitReader wrap(final byte[] bytes, final int offset, final int length) {
        this.bytes = bytes;
        this.bitPosition = (long)offset * Byte.SIZE;
        this.bitLimit = (long)(offset + length) * Byte.SIZE;
        return this;
    }

    int readBit() {
        if (bitPosition >= bitLimit) {
            throw new RtmpProtocolException(what + " truncated");
        }
        final int index = (int)(bitPosition >>> 3);
        final int shift = 7 - (int)(bitPosition & 7);
        bitPosition++;
        return (bytes[index] >>> shift) & 1;
    }

    /** Reads up to 32 bits as an unsigned value. */
    long readBits(final int count) {
        long value = 0;
        for (int i = 0; i < count; i++) {
            value = (value << 1) | readBit();
        }
        return value;
    }

    int readUnsigned(final int count) {
        return (int)readBits(count);
    }

    boolean readFlag() {
        return readBit() != 0;
    }

    void skipBits(final int count) {
        if (count > bitLimit - bitPosition) {
            throw new RtmpProtocolException(what + " truncated");
        }
        bitPosition += count;
    }

    /** ue(v): unsigned Exp-Golomb code, up to 2^32 - 2. */
    long readUe() {
        int leadingZeros = 0;
        while (readBit() == 0) {
            leadingZeros++;
            if (leadingZeros > MAX_EXP_GOLOMB_LEADING_ZEROS) {
                throw new RtmpProtocolException(what + " bad exp-golomb code");
            }
        }
        return (1L << leadingZeros) - 1 + readBits(leadingZeros);
    }

    /** ue(v) that must not exceed {@code max}. */
    int readUe(final int max, final String field) {
        final long value = readUe();
        if (value > max) {
            throw new RtmpProtocolException(what + " value out of range", field + "=" + value);
        }
        return (int)value;
    }

    /** se(v): signed Exp-Golomb code. */
    long readSe() {
        final long codeNum = readUe();
        return (codeNum & 1) != 0 ? (codeNum + 1) / 2 : -(codeNum / 2);
    }
}
