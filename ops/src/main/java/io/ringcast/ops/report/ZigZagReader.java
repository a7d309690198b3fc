package io.ringcast.ops.report;

/**
 * Reads the counts payload of an HdrHistogram V2 histogram: ZigZag LEB128 numbers, as HdrHistogram's
 * {@code ZigZagEncoding} writes them (at most nine bytes, the ninth giving all eight of its bits). A flyweight,
 * re-pointed with {@link #wrap}; used by one thread.
 */
final class ZigZagReader {
    /** Shift of a number's ninth byte, which has no continuation bit. */
    private static final int LAST_BYTE_SHIFT = 56;

    private byte[] buffer;
    private int position;

    void wrap(byte[] buffer, int position) {
        this.buffer = buffer;
        this.position = position;
    }

    /** Index of the next number's first byte in the buffer. */
    int position() {
        return position;
    }

    /**
     * Reads the number at {@link #position()} and moves past it. Nothing checks the payload's end: a number that
     * runs past the buffer throws {@link ArrayIndexOutOfBoundsException}.
     */
    long next() {
        byte[] b = buffer;
        int p = position;
        int v = b[p++];
        long raw;
        if (v >= 0) {
            raw = v;
        } else {
            raw = v & 0x7f;
            int shift = 7;
            do {
                v = b[p++];
                raw |= shift == LAST_BYTE_SHIFT ? ((long) (v & 0xff)) << LAST_BYTE_SHIFT : ((long) (v & 0x7f)) << shift;
                shift += 7;
            } while (v < 0 && shift <= LAST_BYTE_SHIFT);
        }
        position = p;
        return (raw >>> 1) ^ -(raw & 1);
    }
}
