package io.ringcast.perf.load.rtmp;

import java.io.ByteArrayOutputStream;

/**
 * Writes RTMP chunks by hand, any header format, for tests of what a server may send (RTMP specification 5.3.1).
 * Chunk stream ids below 64 only (one-byte basic header).
 */
final class ChunkBytes {
    private static final int EXTENDED = 0xFFFFFF;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** fmt 0: absolute timestamp, length, type, stream id (little-endian); extended timestamp when large. */
    ChunkBytes fmt0(int csid, long timestampMs, int length, int typeId, int streamId) {
        out.write(csid);
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
    ChunkBytes fmt1(int csid, int deltaMs, int length, int typeId) {
        out.write(1 << 6 | csid);
        uint24(deltaMs);
        uint24(length);
        out.write(typeId);
        return this;
    }

    /** fmt 2: timestamp delta only. */
    ChunkBytes fmt2(int csid, int deltaMs) {
        out.write(2 << 6 | csid);
        uint24(deltaMs);
        return this;
    }

    /** fmt 3: no message header. */
    ChunkBytes fmt3(int csid) {
        out.write(3 << 6 | csid);
        return this;
    }

    /** The extended timestamp a fmt 3 chunk repeats after an extended fmt 0. */
    ChunkBytes uint32(long value) {
        out.write((int) (value >>> 24));
        out.write((int) (value >>> 16));
        out.write((int) (value >>> 8));
        out.write((int) value);
        return this;
    }

    ChunkBytes bytes(byte[] payload, int offset, int length) {
        out.write(payload, offset, length);
        return this;
    }

    ChunkBytes bytes(int... values) {
        for (int v : values) {
            out.write(v);
        }
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void uint24(int value) {
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }
}
