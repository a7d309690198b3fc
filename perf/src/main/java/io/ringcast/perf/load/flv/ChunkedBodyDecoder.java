package io.ringcast.perf.load.flv;

import org.agrona.DirectBuffer;

/**
 * Removes {@code Transfer-Encoding: chunked} framing (RFC 9112 7.1) from bytes arriving in any pieces and passes the
 * chunk data on in place, without copying; one per connection, on its owning thread.
 * <pre>
 *  chunk:      hex-size [; extensions] CRLF  data (size bytes)  CRLF
 *  last chunk: 0 [; extensions] CRLF  [trailer fields CRLF]...  CRLF
 * </pre>
 */
public final class ChunkedBodyDecoder {
    /** Receives the chunk data. */
    public interface Sink {
        void onData(DirectBuffer buffer, int offset, int length);
    }

    private static final int HEX_RADIX = 16;
    private static final long MAX_CHUNK_BYTES = Integer.MAX_VALUE;
    private static final int CRLF_LENGTH = 2;
    /** One hex digit and CRLF. */
    private static final int SHORTEST_SIZE_LINE = 1 + CRLF_LENGTH;

    private enum State { SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, DONE }

    private final Sink sink;
    private State state = State.SIZE;
    private long size;
    private int digits;
    private long remaining;
    private boolean trailerLineEmpty = true;

    public ChunkedBodyDecoder(Sink sink) {
        this.sink = sink;
    }

    /**
     * Consumes body bytes; those after the last chunk's trailer are ignored.
     *
     * @throws StreamFormatException on broken chunk framing
     */
    public void decode(DirectBuffer buffer, int offset, int length) {
        int position = offset;
        int end = offset + length;
        while (position < end) {
            if (state == State.DATA) {
                int count = (int) Math.min(remaining, end - position);
                sink.onData(buffer, position, count);
                position += count;
                remaining -= count;
                if (remaining == 0) {
                    state = State.DATA_CR;
                }
            } else {
                onFramingByte(buffer.getByte(position++));
            }
        }
    }

    /**
     * The fewest body bytes that can carry the next {@code dataBytes} bytes of chunk data: those plus the shortest
     * framing that must come first (a chunk's CRLF, a one-digit size line), so a read of this many never takes bytes
     * beyond them. Once the last chunk began, no data follows: 1.
     *
     * @param dataBytes positive
     */
    public int minimumBodyBytes(int dataBytes) {
        return switch (state) {
            case SIZE -> dataBytes + (digits == 0 ? SHORTEST_SIZE_LINE : CRLF_LENGTH);
            case EXTENSION, SIZE_LF -> dataBytes + 1;
            case DATA -> remaining >= dataBytes ? dataBytes : dataBytes + CRLF_LENGTH + SHORTEST_SIZE_LINE;
            case DATA_CR -> dataBytes + CRLF_LENGTH + SHORTEST_SIZE_LINE;
            case DATA_LF -> dataBytes + 1 + SHORTEST_SIZE_LINE;
            case TRAILER, DONE -> 1;
        };
    }

    /** Whether the last chunk and its trailer have been read. */
    public boolean isDone() {
        return state == State.DONE;
    }

    private void onFramingByte(byte b) {
        switch (state) {
            case SIZE -> onSizeByte(b);
            case EXTENSION -> {
                if (b == '\n') {
                    endSizeLine();
                } else if (b == '\r') {
                    state = State.SIZE_LF;
                }
            }
            case SIZE_LF -> {
                expect(b, '\n');
                endSizeLine();
            }
            case DATA_CR -> {
                expect(b, '\r');
                state = State.DATA_LF;
            }
            case DATA_LF -> {
                expect(b, '\n');
                state = State.SIZE;
            }
            case TRAILER -> {
                if (b == '\n') {
                    if (trailerLineEmpty) {
                        state = State.DONE;
                    }
                    trailerLineEmpty = true;
                } else if (b != '\r') {
                    trailerLineEmpty = false;
                }
            }
            default -> {
            }
        }
    }

    private void onSizeByte(byte b) {
        int digit = Character.digit(b, HEX_RADIX);
        if (digit >= 0) {
            size = size * HEX_RADIX + digit;
            digits++;
            if (size > MAX_CHUNK_BYTES) {
                throw new StreamFormatException("HTTP chunk size too large");
            }
        } else if (digits > 0 && (b == ';' || b == ' ' || b == '\t')) {
            state = State.EXTENSION;
        } else if (digits > 0 && b == '\r') {
            state = State.SIZE_LF;
        } else {
            throw new StreamFormatException("bad HTTP chunk size byte 0x" + Integer.toHexString(b & 0xFF));
        }
    }

    private void endSizeLine() {
        remaining = size;
        state = size == 0 ? State.TRAILER : State.DATA;
        size = 0;
        digits = 0;
    }

    private static void expect(byte actual, char wanted) {
        if (actual != wanted) {
            throw new StreamFormatException("bad HTTP chunk framing: 0x" + Integer.toHexString(actual & 0xFF)
                    + " where 0x" + Integer.toHexString(wanted) + " belongs");
        }
    }
}
