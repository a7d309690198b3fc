package io.ringcast.web.e2e;

import java.io.IOException;
import java.io.InputStream;

/** Unwraps an HTTP/1.1 chunked body (RFC 9112 section 7.1) for tests reading raw sockets; one thread. */
final class ChunkedInput extends InputStream {
    private final InputStream in;
    private long remaining;
    private boolean done;

    ChunkedInput(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (done) {
            return -1;
        }
        if (remaining == 0) {
            remaining = nextChunkSize();
            if (remaining == 0) {
                done = true;
                return -1;
            }
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            return -1;
        }
        remaining -= n;
        if (remaining == 0) {
            readLine();
        }
        return n;
    }

    private long nextChunkSize() throws IOException {
        String line = readLine();
        int semicolon = line.indexOf(';');
        return Long.parseLong((semicolon < 0 ? line : line.substring(0, semicolon)).trim(), 16);
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
