package io.ringcast.broadcast.track;

import org.agrona.DirectBuffer;

/** Byte comparisons between a payload in a ring and a copy kept on the heap (a sequence header seen before). */
public final class PayloadBytes {
    private PayloadBytes() {
    }

    /** Whether {@code length} bytes of {@code buffer} at {@code offset} are exactly {@code bytes}; no allocation. */
    public static boolean equal(byte[] bytes, DirectBuffer buffer, int offset, int length) {
        if (bytes.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[i] != buffer.getByte(offset + i)) {
                return false;
            }
        }
        return true;
    }
}
