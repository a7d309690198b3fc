package io.ringcast.broadcast.media.amf;

import io.ringcast.broadcast.media.MediaFormatException;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.agrona.DirectBuffer;

/**
 * Reads AMF0 values (AMF0 specification 2) from a buffer range into plain Java values; a reusable instance
 * owned by one thread, for RTMP commands and data messages, which are rare enough that allocating the result
 * is fine.
 * <p>
 * Mapping: number to {@link Double}, boolean to {@link Boolean}, string, long string and XML document to
 * {@link String}, object, typed object and ECMA array to {@code LinkedHashMap<String, Object>} in wire order,
 * strict array to {@code List<Object>}, date to {@link Instant}, null, undefined and unsupported to
 * {@code null}. References, movie clips, record sets and AMF3 switches are refused.
 * <p>
 * Every length is checked against the bytes remaining before anything is allocated, and nesting is bounded,
 * so truncated or hostile input yields {@link MediaFormatException} and nothing else.
 */
public final class Amf0Reader {
    /** Deepest nesting of objects and arrays accepted. */
    public static final int MAX_DEPTH = 32;

    private static final int NUMBER_LENGTH = 8;
    private static final int SHORT_LENGTH_FIELD = 2;
    private static final int LONG_LENGTH_FIELD = 4;
    private static final int TIME_ZONE_LENGTH = 2;
    /** Cap on the initial capacity of a strict array list; it still grows to the (checked) count. */
    private static final int MAX_INITIAL_ARRAY_CAPACITY = 64;

    private DirectBuffer buffer;
    private int position;
    private int limit;

    /**
     * Points the reader at {@code buffer[offset, offset + length)}.
     *
     * @return this reader.
     */
    public Amf0Reader wrap(final DirectBuffer buffer, final int offset, final int length) {
        if (offset < 0 || length < 0 || offset > buffer.capacity() - length) {
            throw new IllegalArgumentException("range outside buffer: offset=" + offset + " length=" + length);
        }
        this.buffer = buffer;
        this.position = offset;
        this.limit = offset + length;
        return this;
    }

    /**
     * @return true if bytes remain to be read.
     */
    public boolean hasRemaining() {
        return position < limit;
    }

    /**
     * @return index of the next byte to read.
     */
    public int position() {
        return position;
    }

    /**
     * Reads one value.
     *
     * @return the value, mapped as described in the class comment.
     * @throws MediaFormatException on truncated, malformed or unsupported input.
     */
    public Object readValue() {
        return readValue(0);
    }

    /**
     * Reads values until the range is exhausted, e.g. a whole command message.
     *
     * @return the values in order.
     * @throws MediaFormatException on truncated, malformed or unsupported input.
     */
    public List<Object> readAll() {
        final List<Object> values = new ArrayList<>();
        while (hasRemaining()) {
            values.add(readValue(0));
        }
        return values;
    }

    /**
     * Reads one object or ECMA array value (e.g. onMetaData's properties) and says where the number of its first
     * top-level property named {@code key} lies, so that a writer can rewrite it in place. Any other value is read
     * and yields -1.
     *
     * @return the index of the property's 8-byte number (after its marker), or -1 when there is no such number.
     * @throws MediaFormatException on truncated, malformed or unsupported input.
     */
    public int findNumberProperty(final String key) {
        final int marker = readUint8();
        if (marker == Amf0Markers.ECMA_ARRAY) {
            require(LONG_LENGTH_FIELD);
            position += LONG_LENGTH_FIELD;
        } else if (marker != Amf0Markers.OBJECT) {
            position--;
            readValue(0);
            return -1;
        }
        int found = -1;
        while (true) {
            final int keyLength = readUint16();
            require(1);
            if (keyLength == 0 && (buffer.getByte(position) & 0xFF) == Amf0Markers.OBJECT_END) {
                position++;
                return found;
            }
            final String name = readUtf8(keyLength);
            require(1);
            if (found < 0 && (buffer.getByte(position) & 0xFF) == Amf0Markers.NUMBER && key.equals(name)) {
                found = position + 1;
            }
            readValue(1);
        }
    }

    private Object readValue(final int depth) {
        final int marker = readUint8();
        switch (marker) {
            case Amf0Markers.NUMBER:
                return readDouble();
            case Amf0Markers.BOOLEAN:
                return readUint8() != 0;
            case Amf0Markers.STRING:
                return readUtf8(readUint16());
            case Amf0Markers.OBJECT:
                return readPairs(depth);
            case Amf0Markers.NULL:
            case Amf0Markers.UNDEFINED:
            case Amf0Markers.UNSUPPORTED:
                return null;
            case Amf0Markers.ECMA_ARRAY:
                require(LONG_LENGTH_FIELD);
                position += LONG_LENGTH_FIELD; // associative count is only a hint; the end marker rules
                return readPairs(depth);
            case Amf0Markers.STRICT_ARRAY:
                return readStrictArray(depth);
            case Amf0Markers.DATE:
                return readDate();
            case Amf0Markers.LONG_STRING:
            case Amf0Markers.XML_DOCUMENT:
                return readUtf8(readLongLength());
            case Amf0Markers.TYPED_OBJECT:
                readUtf8(readUint16());
                return readPairs(depth);
            case Amf0Markers.REFERENCE:
                throw new MediaFormatException("amf0 reference not supported");
            case Amf0Markers.OBJECT_END:
                throw new MediaFormatException("amf0 object end outside object");
            default:
                throw new MediaFormatException("amf0 unsupported marker", Integer.toString(marker));
        }
    }

    private Map<String, Object> readPairs(final int depth) {
        checkDepth(depth);
        final Map<String, Object> map = new LinkedHashMap<>();
        while (true) {
            final int keyLength = readUint16();
            if (keyLength == 0) {
                require(1);
                if ((buffer.getByte(position) & 0xFF) == Amf0Markers.OBJECT_END) {
                    position++;
                    return map;
                }
            }
            final String key = readUtf8(keyLength);
            map.put(key, readValue(depth + 1));
        }
    }

    private List<Object> readStrictArray(final int depth) {
        checkDepth(depth);
        final int count = readLongLength();
        final List<Object> list = new ArrayList<>(Math.min(count, MAX_INITIAL_ARRAY_CAPACITY));
        for (int i = 0; i < count; i++) {
            list.add(readValue(depth + 1));
        }
        return list;
    }

    private Instant readDate() {
        final double epochMs = readDouble();
        require(TIME_ZONE_LENGTH);
        position += TIME_ZONE_LENGTH;
        if (!Double.isFinite(epochMs) || Math.abs(epochMs) > Long.MAX_VALUE / 2.0) {
            throw new MediaFormatException("amf0 bad date", Double.toString(epochMs));
        }
        return Instant.ofEpochMilli((long)epochMs);
    }

    private void checkDepth(final int depth) {
        if (depth >= MAX_DEPTH) {
            throw new MediaFormatException("amf0 nesting too deep");
        }
    }

    /** A 32-bit length; every counted item takes at least one byte, so it cannot exceed what remains. */
    private int readLongLength() {
        require(LONG_LENGTH_FIELD);
        final long length = buffer.getInt(position, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
        position += LONG_LENGTH_FIELD;
        if (length > limit - position) {
            throw new MediaFormatException("amf0 truncated", "length=" + length);
        }
        return (int)length;
    }

    private double readDouble() {
        require(NUMBER_LENGTH);
        final double value = buffer.getDouble(position, ByteOrder.BIG_ENDIAN);
        position += NUMBER_LENGTH;
        return value;
    }

    private int readUint8() {
        require(1);
        return buffer.getByte(position++) & 0xFF;
    }

    private int readUint16() {
        require(SHORT_LENGTH_FIELD);
        final int value = buffer.getShort(position, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        position += SHORT_LENGTH_FIELD;
        return value;
    }

    private String readUtf8(final int length) {
        require(length);
        final String value = buffer.getStringWithoutLengthUtf8(position, length);
        position += length;
        return value;
    }

    private void require(final int length) {
        if (length > limit - position) {
            throw new MediaFormatException("amf0 truncated", "need " + length + " at " + position);
        }
    }
}
