package io.ringcast.broadcast.media.flv;

import io.ringcast.broadcast.media.MediaFormatException;
import io.ringcast.broadcast.media.amf.Amf0Reader;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The {@code duration} of an onMetaData script tag body (FLV spec v10.1, E.5), found and rewritten in place
 * through AMF0. A recorder clears a publisher's duration (it describes the source, not a recorded file, which may
 * be one of many; with 0 players and ffprobe measure the file from its timestamps) and sets the file's own when it
 * closes it. Stateless; any thread, on buffers the caller owns. Metadata is rare: finding the property allocates.
 *
 * <pre>
 *  | 0x02 string "onMetaData" | 0x08 ECMA array (or 0x03 object) | ... | u16 8 "duration" | 0x00 number | f64 | ...
 * </pre>
 */
public final class OnMetaData {
    /** The script data name of the metadata tag. */
    public static final String NAME = "onMetaData";
    /** The property holding the stream's length in seconds. */
    public static final String DURATION = "duration";
    /** Bytes of an AMF0 number's value: a big-endian IEEE 754 double. */
    public static final int NUMBER_BYTES = 8;

    private OnMetaData() {
    }

    /**
     * Where the {@code duration} number of the onMetaData body at {@code buffer[offset, offset + length)} lies.
     *
     * @return the offset of its 8-byte value, or -1 if the body is no well-formed onMetaData or has no numeric
     *     duration property at its top level
     */
    public static int durationOffset(DirectBuffer buffer, int offset, int length) {
        Amf0Reader reader = new Amf0Reader().wrap(buffer, offset, length);
        try {
            if (!NAME.equals(reader.readValue())) {
                return -1;
            }
            return reader.findNumberProperty(DURATION);
        } catch (MediaFormatException malformed) {
            return -1; // the tag goes out unchanged, as the publisher sent it
        }
    }

    /**
     * Sets the {@code duration} of the onMetaData body at {@code buffer[offset, offset + length)} to 0.
     *
     * @return the offset of its 8-byte value (see {@link #putDuration}), -1 if there is none
     */
    public static int clearDuration(MutableDirectBuffer buffer, int offset, int length) {
        int at = durationOffset(buffer, offset, length);
        if (at >= 0) {
            putDuration(buffer, at, 0.0);
        }
        return at;
    }

    /** Writes a duration at {@code valueOffset} (from {@link #durationOffset}), as AMF0 numbers are written. */
    public static void putDuration(MutableDirectBuffer buffer, int valueOffset, double seconds) {
        buffer.putDouble(valueOffset, seconds, ByteOrder.BIG_ENDIAN);
    }
}
