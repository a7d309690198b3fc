package io.ringcast.perf.load.flv;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.agrona.DirectBuffer;

/**
 * Collects and parses an HTTP/1.1 response head (RFC 9112: status line, header fields, blank line) from bytes
 * arriving in any pieces; one per connection, on its owning thread. It keeps the status code and the framing of the
 * body that follows: chunked, or until the connection closes (a live stream has no Content-Length).
 */
public final class HttpResponseHead {
    /** Longest head accepted; a server sending more is not an HTTP-FLV server. */
    public static final int MAX_HEAD_BYTES = 16 * 1024;

    private static final int STATUS_CODE_START = "HTTP/1.1 ".length();
    private static final int STATUS_CODE_LENGTH = 3;

    private byte[] head = new byte[MAX_HEAD_BYTES];
    private int length;
    private boolean complete;
    private int statusCode;
    private boolean chunked;
    private String statusLine;

    /**
     * Consumes head bytes, never past the blank line that ends the head.
     *
     * @return bytes consumed; the rest belong to the body
     * @throws StreamFormatException if the head is too long or not an HTTP/1.x response
     */
    public int consume(DirectBuffer buffer, int offset, int available) {
        for (int i = 0; i < available; i++) {
            if (length == MAX_HEAD_BYTES) {
                throw new StreamFormatException("HTTP response head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            head[length++] = buffer.getByte(offset + i);
            if (length >= 4 && head[length - 4] == '\r' && head[length - 3] == '\n' && head[length - 2] == '\r'
                    && head[length - 1] == '\n') {
                parse(new String(head, 0, length, StandardCharsets.ISO_8859_1));
                head = null;
                complete = true;
                return i + 1;
            }
        }
        return available;
    }

    public boolean isComplete() {
        return complete;
    }

    public int statusCode() {
        return statusCode;
    }

    /** The status line, for failure reasons. */
    public String statusLine() {
        return statusLine;
    }

    /** Whether the body comes with {@code Transfer-Encoding: chunked}. */
    public boolean isChunked() {
        return chunked;
    }

    private void parse(String text) {
        String[] lines = text.split("\r\n");
        statusLine = lines[0];
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < STATUS_CODE_START + STATUS_CODE_LENGTH) {
            throw new StreamFormatException("not an HTTP/1.x response: " + statusLine);
        }
        try {
            statusCode = Integer.parseInt(statusLine.substring(STATUS_CODE_START,
                    STATUS_CODE_START + STATUS_CODE_LENGTH));
        } catch (NumberFormatException e) {
            throw new StreamFormatException("bad HTTP status line: " + statusLine);
        }
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase("Transfer-Encoding")) {
                chunked = lines[i].substring(colon + 1).toLowerCase(Locale.ROOT).contains("chunked");
            }
        }
    }
}
