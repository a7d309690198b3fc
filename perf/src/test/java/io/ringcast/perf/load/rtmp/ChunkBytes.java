package io.ringcast.perf.load.rtmp;

import java.io.ByteArrayOutputStream;

/**
 * Writes RTMP chunks by hand, any header format, for tests of what a server may send (RTMP specification 5.3.1).
 * Every basic header form: chunk stream ids 2 to 63 in one byte, up to 319 in two, up to 65599 in three.
 */
public final class ChunkBytes {
    private static final int EXTENDED = 0xFFFFFF;
    private static final int TWO_BYTE_FORM_BASE = 64;
    private static final int THREE_BYTE_FORM_BASE = 320;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** fmt 0: absolute timestamp, length, type, stream id (little-endian); extended timestamp when large. */
    public ChunkBytes fmt0(int csid, long timestampMs, int length, int typeId, int streamId) {
        basicHeader(0, csid);
        boolean extended = timestampMs >= EXTENDED;
        uint24(extended ? EXTENDED : (int) timestampMs);
        uint24(length);
        out.write(typeId);
        out.write(streamId);
        out.write(streamId >>> 8);
        out.write(streamId >>> 16);
        out.write(streamId >>> 24);
        if (extended) {
            uint32(timestampMs);
        }
        return this;
    }

    /** fmt 1: timestamp delta, length, type. */
    public ChunkBytes fmt1(int csid, int deltaMs, int length, int typeId) {
        basicHeader(1, csid);
        uint24(deltaMs);
        uint24(length);
        out.write(typeId);
        return this;
    }

    /** fmt 2: timestamp delta only. */
    public ChunkBytes fmt2(int csid, int deltaMs) {
        basicHeader(2, csid);
        uint24(deltaMs);
        return this;
    }

    /** fmt 3: no message header. */
    public ChunkBytes fmt3(int csid) {
        basicHeader(3, csid);
        return this;
    }

    /** The extended timestamp a fmt 3 chunk repeats after an extended fmt 0. */
    public ChunkBytes uint32(long value) {
        out.write((int) (value >>> 24));
        out.write((int) (value >>> 16));
        out.write((int) (value >>> 8));
        out.write((int) value);
        return this;
    }

    public ChunkBytes bytes(byte[] payload, int offset, int length) {
        out.write(payload, offset, length);
        return this;
    }

    public ChunkBytes bytes(int... values) {
        for (int v : values) {
            out.write(v);
        }
        return this;
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }

    private void basicHeader(int fmt, int csid) {
        if (csid < TWO_BYTE_FORM_BASE) {
            out.write(fmt << 6 | csid);
        } else if (csid < THREE_BYTE_FORM_BASE) {
            out.write(fmt << 6);
            out.write(csid - TWO_BYTE_FORM_BASE);
        } else {
            out.write(fmt << 6 | 1);
            out.write(csid - TWO_BYTE_FORM_BASE);
            out.write((csid - TWO_BYTE_FORM_BASE) >>> 8);
        }
    }

    private void uint24(int value) {
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }
}
