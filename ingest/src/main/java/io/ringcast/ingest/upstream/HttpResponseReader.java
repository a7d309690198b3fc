package io.ringcast.ingest.upstream;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.util.Locale;

/**
 * Reads one HTTP/1.x response from an upstream (RFC 9112): the status line and header fields, bounded to
 * {@link #MAX_HEAD_BYTES}, then the body, chunked (section 7.1, decoded as it arrives) or identity (Content-Length, or
 * until the upstream closes). Owned by the pull's thread.
 *
 * <p>Body bytes go where the caller asks, straight from the socket when none are buffered: only framing reads (the
 * head, chunk-size lines and what little arrives behind them) pass through the small read buffer. Nothing is
 * allocated per read or per chunk; the head's few strings are made once.
 */
public final class HttpResponseReader {
    /** The largest status line plus header fields accepted. */
    public static final int MAX_HEAD_BYTES = 16 * 1024;
    /** The longest chunk-size line (size, extensions, CRLF) accepted. */
    public static final int MAX_CHUNK_LINE_BYTES = 1024;
    /** Hex digits of the largest chunk accepted (2^28 - 1 bytes: far above any FLV tag). */
    private static final int MAX_CHUNK_SIZE_DIGITS = 7;
    /** At most this much is read ahead while parsing framing, so large bodies land in place, not here. */
    private static final int FRAMING_READ_AHEAD_BYTES = 512;
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final int MAX_REASON_CHARS = 100;
    private static final int MAX_LOCATION_CHARS = 300;

    /** Counts what each read delivered; called on the pull's thread. */
    public interface ReadObserver {
        void bytesRead(int bytes);
    }

    private final UpstreamSource source;
    private final ReadObserver observer;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MAX_HEAD_BYTES]);
    /** Buffered, not yet consumed bytes: [start, end) of {@link #buffer}. */
    private int start;
    private int end;

    private int status;
    private String reason = "";
    private String location;
    private boolean chunked;
    private long contentLength = -1;

    private boolean upstreamEnded;
    private boolean bodyEnded;
    /** Identity with a Content-Length: bytes left; chunked: bytes left in the current chunk. */
    private long remaining;
    /** Chunked: whether the CRLF that ends a chunk's data is due before the next chunk-size line. */
    private boolean chunkDataEnds;
    private long bodyBytes;

    public HttpResponseReader(UpstreamSource source, ReadObserver observer) {
        this.source = source;
        this.observer = observer;
    }

    /**
     * Reads the status line and header fields.
     *
     * @throws UpstreamException for a head longer than {@link #MAX_HEAD_BYTES}, a malformed status line or field, a
     *                           transfer or content coding other than chunked, or an upstream that closes first
     */
    public void readHead() throws IOException {
        int lineStart = 0;
        int scanned = 0;
        boolean statusLine = true;
        while (true) {
            while (scanned < end) {
                if (buffer.getByte(scanned++) != LF) {
                    continue;
                }
                int lineEnd = scanned - 1 > lineStart && buffer.getByte(scanned - 2) == CR ? scanned - 2 : scanned - 1;
                String line = buffer.getStringWithoutLengthAscii(lineStart, lineEnd - lineStart);
                lineStart = scanned;
                if (statusLine) {
                    parseStatusLine(line);
                    statusLine = false;
                } else if (line.isEmpty()) {
                    start = scanned;
                    beginBody();
                    return;
                } else {
                    parseField(line);
                }
            }
            if (end == buffer.capacity()) {
                throw new UpstreamException("response header larger than " + MAX_HEAD_BYTES / 1024 + " KB");
            }
            int n = source.read(buffer, end, buffer.capacity() - end);
            if (n < 0) {
                throw new UpstreamException(end == 0 ? "upstream closed the connection without a response"
                        : "upstream closed the connection inside the response header");
            }
            observer.bytesRead(n);
            end += n;
        }
    }

    private void parseStatusLine(String line) throws UpstreamException {
        // HTTP-version SP status-code SP [reason-phrase]
        if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' '
                || !isDigits(line, 9, 12) || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new UpstreamException("malformed HTTP status line: \"" + printable(line, MAX_REASON_CHARS) + '"');
        }
        status = Integer.parseInt(line.substring(9, 12));
        reason = line.length() > 13 ? printable(line.substring(13), MAX_REASON_CHARS) : "";
    }

    private void parseField(String line) throws UpstreamException {
        int colon = line.indexOf(':');
        if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
            throw new UpstreamException("malformed HTTP header field: \"" + printable(line, MAX_REASON_CHARS) + '"');
        }
        String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).trim();
        switch (name) {
            case "transfer-encoding" -> {
                String codings = value.toLowerCase(Locale.ROOT).replace(" ", "");
                if (!"chunked".equals(codings)) {
                    throw new UpstreamException("unsupported transfer-encoding: " + printable(value, MAX_REASON_CHARS));
                }
                chunked = true;
            }
            case "content-length" -> {
                if (value.isEmpty() || value.length() > 18 || !isDigits(value, 0, value.length())) {
                    throw new UpstreamException("malformed content-length: " + printable(value, MAX_REASON_CHARS));
                }
                long length = Long.parseLong(value);
                if (contentLength >= 0 && contentLength != length) {
                    throw new UpstreamException("conflicting content-length fields");
                }
                contentLength = length;
            }
            case "content-encoding" -> {
                if (!"identity".equalsIgnoreCase(value)) {
                    throw new UpstreamException("unsupported content-encoding: " + printable(value, MAX_REASON_CHARS));
                }
            }
            case "location" -> location = printable(value, MAX_LOCATION_CHARS);
            default -> {
                // other fields do not change how the body is read
            }
        }
    }

    private void beginBody() {
        if (chunked) {
            remaining = 0; // the first chunk-size line comes first
        } else if (contentLength >= 0) {
            remaining = contentLength;
            bodyEnded = contentLength == 0;
        } else {
            remaining = Long.MAX_VALUE; // until the upstream closes
        }
    }

    /** The status code, e.g. 200. */
    public int status() {
        return status;
    }

    /** The reason phrase, printable ASCII, at most 100 characters; may be empty. */
    public String reason() {
        return reason;
    }

    /** The Location field (printable ASCII, at most 300 characters, not masked), or null. */
    public String location() {
        return location;
    }

    /** Whether the body is chunked. */
    public boolean isChunked() {
        return chunked;
    }

    /** Body bytes delivered so far (after chunked decoding). */
    public long bodyBytes() {
        return bodyBytes;
    }

    /**
     * Reads at least one and at most {@code length} body bytes into {@code dst} at {@code offset}; -1 at the end of
     * the body (the last chunk, the Content-Length reached, or the upstream closing an identity body).
     *
     * @throws UpstreamException for malformed chunk framing, or an upstream that closes inside it
     */
    public int readBody(MutableDirectBuffer dst, int offset, int length) throws IOException {
        if (bodyEnded || (chunked && remaining == 0 && !nextChunk())) {
            return -1;
        }
        int want = (int) Math.min(length, remaining);
        int n;
        if (end > start) {
            n = Math.min(want, end - start);
            dst.putBytes(offset, buffer, start, n);
            start += n;
        } else {
            if (upstreamEnded) {
                return endOfStream();
            }
            n = source.read(dst, offset, want);
            if (n < 0) {
                upstreamEnded = true;
                return endOfStream();
            }
            observer.bytesRead(n);
        }
        remaining -= n;
        bodyBytes += n;
        if (!chunked && remaining == 0) {
            bodyEnded = true;
        }
        return n;
    }

    /** The upstream closed inside the body: the end of an identity body without length, else an error. */
    private int endOfStream() throws UpstreamException {
        if (chunked) {
            throw new UpstreamException("upstream closed the connection inside a chunk, " + remaining
                    + " bytes short, at body byte " + bodyBytes);
        }
        if (contentLength >= 0) {
            throw new UpstreamException("upstream closed the connection " + remaining
                    + " bytes before the content-length, at body byte " + bodyBytes);
        }
        bodyEnded = true;
        return -1;
    }

    /**
     * Reads the framing in front of the next chunk: the CRLF ending the previous chunk's data, the chunk-size line
     * (extensions ignored); after the last chunk, the trailer section. Returns false at the end of the body.
     */
    private boolean nextChunk() throws IOException {
        if (chunkDataEnds) {
            fill(2, "the CRLF after chunk data");
            if (buffer.getByte(start) != CR || buffer.getByte(start + 1) != LF) {
                throw new UpstreamException("missing CRLF after chunk data at body byte " + bodyBytes);
            }
            start += 2;
            chunkDataEnds = false;
        }
        int lineEnd = line("chunk-size line");
        long size = 0;
        int digits = 0;
        int i = start;
        for (; i < lineEnd; i++) {
            int digit = Character.digit(buffer.getByte(i), 16);
            if (digit < 0) {
                break;
            }
            if (++digits > MAX_CHUNK_SIZE_DIGITS) {
                throw new UpstreamException("chunk size with more than " + MAX_CHUNK_SIZE_DIGITS
                        + " hex digits at body byte " + bodyBytes);
            }
            size = size * 16 + digit;
        }
        byte after = i < lineEnd ? buffer.getByte(i) : (byte) ';';
        boolean crAtEnd = after == CR && i == lineEnd - 1;
        if (digits == 0 || (after != ';' && after != ' ' && after != '\t' && !crAtEnd)) {
            throw new UpstreamException("malformed chunk-size line at body byte " + bodyBytes);
        }
        start = lineEnd + 1;
        if (size > 0) {
            remaining = size;
            chunkDataEnds = true;
            return true;
        }
        int trailerBytes = 0;
        while (true) { // trailer fields, up to the empty line
            int trailerEnd = line("trailer section");
            int lineLength = trailerEnd - start;
            start = trailerEnd + 1;
            trailerBytes += lineLength + 1;
            if (lineLength == 0 || (lineLength == 1 && buffer.getByte(trailerEnd - 1) == CR)) {
                bodyEnded = true;
                return false;
            }
            if (trailerBytes > MAX_CHUNK_LINE_BYTES) {
                throw new UpstreamException("trailer section longer than " + MAX_CHUNK_LINE_BYTES + " bytes");
            }
        }
    }

    /** Buffers up to the next LF (at most {@link #MAX_CHUNK_LINE_BYTES}); returns its index. */
    private int line(String what) throws IOException {
        int checked = 0; // bytes from start known to hold no LF (readMore may move them to the buffer's start)
        while (true) {
            for (; start + checked < end; checked++) {
                if (buffer.getByte(start + checked) == LF) {
                    return start + checked;
                }
            }
            if (checked >= MAX_CHUNK_LINE_BYTES) {
                throw new UpstreamException(what + " longer than " + MAX_CHUNK_LINE_BYTES + " bytes at body byte "
                        + bodyBytes);
            }
            readMore(1, what);
        }
    }

    /** Buffers at least {@code count} bytes. */
    private void fill(int count, String what) throws IOException {
        while (end - start < count) {
            readMore(count - (end - start), what);
        }
    }

    /** Reads at least one more byte of framing into the buffer, reading ahead a little. */
    private void readMore(int needed, String what) throws IOException {
        if (start == end) {
            start = 0;
            end = 0;
        } else if (buffer.capacity() - end < needed + FRAMING_READ_AHEAD_BYTES) {
            buffer.putBytes(0, buffer, start, end - start);
            end -= start;
            start = 0;
        }
        int n = source.read(buffer, end, Math.min(buffer.capacity() - end, needed + FRAMING_READ_AHEAD_BYTES));
        if (n < 0) {
            upstreamEnded = true;
            throw new UpstreamException("upstream closed the connection inside the " + what + " at body byte "
                    + bodyBytes);
        }
        observer.bytesRead(n);
        end += n;
    }

    private static boolean isDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** {@code s} with anything but printable ASCII replaced by '?', cut to {@code max} characters. */
    static String printable(String s, int max) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && i < max; i++) {
            char c = s.charAt(i);
            out.append(c >= ' ' && c < 0x7F ? c : '?');
        }
        return s.length() > max ? out.append("...").toString() : out.toString();
    }

    /** The head as read, e.g. "HTTP 200 OK chunked", for failure messages. */
    @Override
    public String toString() {
        return "HTTP " + status + ' ' + reason + (chunked ? " chunked" : "")
                + (contentLength >= 0 ? " content-length " + contentLength : "");
    }
}
