package io.ringcast.broadcast.media.mp4;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * A write cursor for ISO BMFF boxes (ISO/IEC 14496-12 4.2) over a growing buffer: {@link #begin} writes a box
 * header with a size placeholder and {@link #end} patches the size of the innermost open box. Big-endian, as the
 * format is. Owned by one thread; reused (reset) without allocating once its buffer has grown to the largest box.
 *
 * <pre>
 *  0               4               8
 * +---------------+---------------+-----------------
 * | size (u32)    | type (4 ASCII)| payload ...
 * +---------------+---------------+-----------------
 * </pre>
 */
public final class BoxWriter {
    /** Box header: 32-bit size and a four-character type. */
    public static final int HEADER_LENGTH = 8;
    /** A full box adds a version byte and 24 bits of flags. */
    public static final int FULL_HEADER_LENGTH = 12;
    private static final int MAX_DEPTH = 16;

    private final ExpandableArrayBuffer buffer;
    private final int[] open = new int[MAX_DEPTH];
    private int depth;
    private int position;

    public BoxWriter(int initialCapacityBytes) {
        if (initialCapacityBytes <= 0) {
            throw new IllegalArgumentException("initialCapacityBytes must be positive: " + initialCapacityBytes);
        }
        buffer = new ExpandableArrayBuffer(initialCapacityBytes);
    }

    /** Forgets everything written; the buffer keeps its capacity. */
    public BoxWriter reset() {
        depth = 0;
        position = 0;
        return this;
    }

    /** Opens a box of type {@code fourCc} (a packed four-character code, see {@link #fourCc}). */
    public BoxWriter begin(int fourCc) {
        assert depth < MAX_DEPTH : "boxes nested too deep";
        open[depth++] = position;
        u32(0);
        return u32(fourCc);
    }

    /** Opens a full box: header, version and flags. */
    public BoxWriter beginFull(int fourCc, int version, int flags) {
        begin(fourCc);
        return u32((version << 24) | (flags & 0xFFFFFF));
    }

    /** Closes the innermost open box, writing its size. */
    public BoxWriter end() {
        assert depth > 0 : "no open box";
        int start = open[--depth];
        buffer.putInt(start, position - start, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public BoxWriter u8(int value) {
        buffer.putByte(position++, (byte) value);
        return this;
    }

    public BoxWriter u16(int value) {
        buffer.putShort(position, (short) value, ByteOrder.BIG_ENDIAN);
        position += Short.BYTES;
        return this;
    }

    public BoxWriter u24(int value) {
        u8(value >>> 16);
        return u16(value);
    }

    public BoxWriter u32(int value) {
        buffer.putInt(position, value, ByteOrder.BIG_ENDIAN);
        position += Integer.BYTES;
        return this;
    }

    public BoxWriter u64(long value) {
        buffer.putLong(position, value, ByteOrder.BIG_ENDIAN);
        position += Long.BYTES;
        return this;
    }

    /** {@code count} zero bytes. */
    public BoxWriter zeros(int count) {
        buffer.setMemory(position, count, (byte) 0);
        position += count;
        return this;
    }

    public BoxWriter bytes(byte[] src) {
        buffer.putBytes(position, src);
        position += src.length;
        return this;
    }

    public BoxWriter bytes(org.agrona.DirectBuffer src, int offset, int length) {
        buffer.putBytes(position, src, offset, length);
        position += length;
        return this;
    }

    /** Overwrites a 32-bit value written earlier at {@code at} (a data offset known only later). */
    public void patchU32(int at, int value) {
        buffer.putInt(at, value, ByteOrder.BIG_ENDIAN);
    }

    /** Bytes written so far. */
    public int position() {
        return position;
    }

    /** The bytes, valid from 0 to {@link #position()} until the next write. */
    public MutableDirectBuffer buffer() {
        return buffer;
    }

    /** A copy of what was written. */
    public byte[] toByteArray() {
        assert depth == 0 : "a box is still open";
        byte[] out = new byte[position];
        buffer.getBytes(0, out);
        return out;
    }

    /** Packs a four-character code such as {@code "moof"} into an int (once, into a constant). */
    public static int fourCc(String code) {
        if (code.length() != 4) {
            throw new IllegalArgumentException("a four-character code has four characters: " + code);
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            char c = code.charAt(i);
            if (c > 0x7F) {
                throw new IllegalArgumentException("four-character codes are ASCII: " + code);
            }
            v = (v << 8) | c;
        }
        return v;
    }
}
