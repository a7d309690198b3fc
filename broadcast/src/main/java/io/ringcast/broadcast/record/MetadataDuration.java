package io.ringcast.broadcast.record;

import org.agrona.MutableDirectBuffer;

/**
 * Clears the {@code duration} property of an onMetaData body in place. A publisher's metadata describes its
 * source, not a recorded file (which may be one of many); with duration 0 players and ffprobe measure the file
 * from its timestamps instead (reading the last tag through the file's final PreviousTagSize), and the writer sets
 * the file's own duration there when it closes the file. Stateless and allocation-free; any thread, on buffers the
 * caller owns.
 *
 * <pre>
 *  ECMA array property (AMF0, FLV spec E.4.4.1): | key length (u16) = 8 | "duration" | 0x00 number | f64 |
 * </pre>
 */
final class MetadataDuration {
    /** The property's key with its length prefix and the number marker of its value. */
    private static final byte[] KEY = {0, 8, 'd', 'u', 'r', 'a', 't', 'i', 'o', 'n', 0};
    static final int NUMBER_BYTES = 8;

    private MetadataDuration() {
    }

    /**
     * Sets the first {@code duration} number in {@code buffer[offset, offset + length)} to 0.
     *
     * @return the offset of its 8-byte value (big-endian IEEE 754 double), -1 if there is none
     */
    static int clear(MutableDirectBuffer buffer, int offset, int length) {
        int last = offset + length - KEY.length - NUMBER_BYTES;
        for (int at = offset; at <= last; at++) {
            if (matchesKey(buffer, at)) {
                buffer.putLong(at + KEY.length, 0L);
                return at + KEY.length;
            }
        }
        return -1;
    }

    private static boolean matchesKey(MutableDirectBuffer buffer, int at) {
        for (int i = 0; i < KEY.length; i++) {
            if (buffer.getByte(at + i) != KEY[i]) {
                return false;
            }
        }
        return true;
    }
}
