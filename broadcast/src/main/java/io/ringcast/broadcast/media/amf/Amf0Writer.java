package io.ringcast.broadcast.media.amf;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.agrona.MutableDirectBuffer;

/**
 * Writes AMF0 values (AMF0 specification 2) into a buffer for RTMP command replies and data messages; a
 * reusable instance owned by one thread. Commands are rare, so encoding strings allocates.
 * <p>
 * The destination must have room for what is written; an {@code ExpandableArrayBuffer} grows by itself.
 * {@link #writeValue} maps Java values the way {@link Amf0Reader} produces them: {@link Number} to number,
 * {@link Boolean}, {@link CharSequence} to string (long string above 65535 UTF-8 bytes), {@code null},
 * {@link Map} to object and {@link List} to strict array.
 */
public final class Amf0Writer {
    private static final int MAX_SHORT_STRING_LENGTH = 0xFFFF;
    private static final int NUMBER_LENGTH = 8;
    private static final int SHORT_LENGTH_FIELD = 2;
    private static final int LONG_LENGTH_FIELD = 4;
    private static final int OBJECT_END_LENGTH = 3;

    private MutableDirectBuffer buffer;
    private int offset;
    private int position;

    /**
     * Points the writer at {@code buffer} from {@code offset}.
     *
     * @return this writer.
     */
    public Amf0Writer wrap(final MutableDirectBuffer buffer, final int offset) {
        this.buffer = buffer;
        this.offset = offset;
        this.position = offset;
        return this;
    }

    /**
     * @return index of the next byte to write.
     */
    public int position() {
        return position;
    }

    /**
     * @return bytes written since {@link #wrap}.
     */
    public int length() {
        return position - offset;
    }

    /**
     * Writes a number.
     *
     * @return this writer.
     */
    public Amf0Writer writeNumber(final double value) {
        buffer.putByte(position, (byte)Amf0Markers.NUMBER);
        buffer.putDouble(position + 1, value, ByteOrder.BIG_ENDIAN);
        position += 1 + NUMBER_LENGTH;
        return this;
    }

    /**
     * Writes a boolean.
     *
     * @return this writer.
     */
    public Amf0Writer writeBoolean(final boolean value) {
        buffer.putByte(position++, (byte)Amf0Markers.BOOLEAN);
        buffer.putByte(position++, (byte)(value ? 1 : 0));
        return this;
    }

    /**
     * Writes a string, as a long string if its UTF-8 form exceeds 65535 bytes.
     *
     * @return this writer.
     */
    public Amf0Writer writeString(final CharSequence value) {
        final byte[] utf8 = value.toString().getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_SHORT_STRING_LENGTH) {
            buffer.putByte(position++, (byte)Amf0Markers.STRING);
            putShortUtf8(utf8);
            return this;
        }
        buffer.putByte(position++, (byte)Amf0Markers.LONG_STRING);
        buffer.putInt(position, utf8.length, ByteOrder.BIG_ENDIAN);
        position += LONG_LENGTH_FIELD;
        buffer.putBytes(position, utf8);
        position += utf8.length;
        return this;
    }

    /**
     * Writes null.
     *
     * @return this writer.
     */
    public Amf0Writer writeNull() {
        buffer.putByte(position++, (byte)Amf0Markers.NULL);
        return this;
    }

    /**
     * Writes an anonymous object with the map's entries in iteration order.
     *
     * @return this writer.
     */
    public Amf0Writer writeObject(final Map<String, ?> properties) {
        buffer.putByte(position++, (byte)Amf0Markers.OBJECT);
        writePairs(properties);
        return this;
    }

    /**
     * Writes an ECMA array (associative count, then the entries in iteration order), as in onMetaData.
     *
     * @return this writer.
     */
    public Amf0Writer writeEcmaArray(final Map<String, ?> properties) {
        buffer.putByte(position++, (byte)Amf0Markers.ECMA_ARRAY);
        buffer.putInt(position, properties.size(), ByteOrder.BIG_ENDIAN);
        position += LONG_LENGTH_FIELD;
        writePairs(properties);
        return this;
    }

    /**
     * Writes a strict array of values.
     *
     * @return this writer.
     */
    public Amf0Writer writeStrictArray(final List<?> values) {
        buffer.putByte(position++, (byte)Amf0Markers.STRICT_ARRAY);
        buffer.putInt(position, values.size(), ByteOrder.BIG_ENDIAN);
        position += LONG_LENGTH_FIELD;
        for (final Object value : values) {
            writeValue(value);
        }
        return this;
    }

    /**
     * Writes any supported value, see the class comment.
     *
     * @return this writer.
     * @throws IllegalArgumentException for a type AMF0 writing does not support.
     */
    public Amf0Writer writeValue(final Object value) {
        if (value == null) {
            return writeNull();
        }
        if (value instanceof Number number) {
            return writeNumber(number.doubleValue());
        }
        if (value instanceof Boolean bool) {
            return writeBoolean(bool);
        }
        if (value instanceof CharSequence string) {
            return writeString(string);
        }
        if (value instanceof Map<?, ?> map) {
            buffer.putByte(position++, (byte)Amf0Markers.OBJECT);
            writePairs(map);
            return this;
        }
        if (value instanceof List<?> list) {
            return writeStrictArray(list);
        }
        throw new IllegalArgumentException("no AMF0 mapping for " + value.getClass().getName());
    }

    private void writePairs(final Map<?, ?> properties) {
        for (final Map.Entry<?, ?> entry : properties.entrySet()) {
            final byte[] key = String.valueOf(entry.getKey()).getBytes(StandardCharsets.UTF_8);
            if (key.length == 0 || key.length > MAX_SHORT_STRING_LENGTH) {
                throw new IllegalArgumentException("AMF0 key length must be 1..65535: " + key.length);
            }
            putShortUtf8(key);
            writeValue(entry.getValue());
        }
        buffer.putShort(position, (short)0, ByteOrder.BIG_ENDIAN);
        buffer.putByte(position + 2, (byte)Amf0Markers.OBJECT_END);
        position += OBJECT_END_LENGTH;
    }

    private void putShortUtf8(final byte[] utf8) {
        if (utf8.length > MAX_SHORT_STRING_LENGTH) {
            throw new IllegalArgumentException("string too long for AMF0 string: " + utf8.length);
        }
        buffer.putShort(position, (short)utf8.length, ByteOrder.BIG_ENDIAN);
        position += SHORT_LENGTH_FIELD;
        buffer.putBytes(position, utf8);
        position += utf8.length;
    }
}
