package io.ringcast.broadcast.hls;

import org.agrona.DirectBuffer;

/**
 * The CRC_32 of MPEG-2 PSI sections (ISO 13818-1 Annex A): polynomial 0x04C11DB7, initial value all ones, no bit
 * reflection, no final XOR, so a section including its CRC sums to zero. Stateless; any thread.
 */
public final class Crc32Mpeg2 {
    private static final int POLYNOMIAL = 0x04C11DB7;
    private static final int INITIAL = 0xFFFFFFFF;
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < TABLE.length; i++) {
            int crc = i << 24;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ POLYNOMIAL : crc << 1;
            }
            TABLE[i] = crc;
        }
    }

    private Crc32Mpeg2() {
    }

    /** The CRC of {@code length} bytes at {@code offset}. */
    public static int compute(DirectBuffer buffer, int offset, int length) {
        int crc = INITIAL;
        for (int i = offset, end = offset + length; i < end; i++) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ buffer.getByte(i)) & 0xFF];
        }
        return crc;
    }

    /** The CRC of {@code length} bytes of an array at {@code offset}. */
    public static int compute(byte[] bytes, int offset, int length) {
        int crc = INITIAL;
        for (int i = offset, end = offset + length; i < end; i++) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ bytes[i]) & 0xFF];
        }
        return crc;
    }
}
