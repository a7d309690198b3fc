package io.ringcast.web.testing;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Parses an FLV byte stream as a player would, checking the framing as it goes; one reading thread. */
public final class FlvStreamReader {
    /** One tag: type, 32-bit timestamp and body. */
    public record Tag(int type, long timestampMs, byte[] body) {
    }

    private final DataInputStream in;

    public FlvStreamReader(InputStream in) {
        this.in = new DataInputStream(in);
    }

    /** Reads the 9-byte header and PreviousTagSize0; returns the flags byte. */
    public int readHeader() throws IOException {
        byte[] header = new byte[9];
        in.readFully(header);
        if (header[0] != 'F' || header[1] != 'L' || header[2] != 'V' || header[3] != 1) {
            throw new AssertionError("not an FLV version 1 header");
        }
        int dataOffset = ((header[5] & 0xff) << 24) | ((header[6] & 0xff) << 16) | ((header[7] & 0xff) << 8)
                | (header[8] & 0xff);
        if (dataOffset != 9) {
            throw new AssertionError("data offset " + dataOffset);
        }
        int previousTagSize0 = in.readInt();
        if (previousTagSize0 != 0) {
            throw new AssertionError("PreviousTagSize0 " + previousTagSize0);
        }
        return header[4] & 0xff;
    }

    /** The next tag, or null at the end of the stream; checks stream id 0 and PreviousTagSize. */
    public Tag next() throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        try {
            int size = readInt24();
            long timestamp = readInt24() | ((long) in.readUnsignedByte() << 24);
            int streamId = readInt24();
            if (streamId != 0) {
                throw new AssertionError("stream id " + streamId);
            }
            byte[] body = new byte[size];
            in.readFully(body);
            int previousTagSize = in.readInt();
            if (previousTagSize != size + 11) {
                throw new AssertionError("PreviousTagSize " + previousTagSize + " after a body of " + size);
            }
            return new Tag(type, timestamp, body);
        } catch (EOFException e) {
            throw new AssertionError("stream ended inside a tag", e);
        }
    }

    private int readInt24() throws IOException {
        return (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
    }
}
