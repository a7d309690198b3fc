package io.ringcast.broadcast.media;

/**
 * Raised by every media-format parser (FLV tag headers, AMF0, codec configuration records, SPS) when bytes break
 * the format's specification; thrown on the parsing thread, which decides what it means there (ingest closes the
 * RTMP connection as a protocol violation, a packager counts the input as malformed).
 * <p>
 * The {@link #reason()} is a short, fixed phrase suitable as a counter label; details (bad values) go into the
 * message only, as {@code reason + ": " + detail}.
 */
public class MediaFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    /**
     * @param reason short fixed phrase naming the violated rule, e.g. "avc config truncated".
     */
    public MediaFormatException(final String reason) {
        super(reason);
        this.reason = reason;
    }

    /**
     * @param reason short fixed phrase naming the violated rule, usable as a counter label.
     * @param detail the offending value(s), for the log line only.
     */
    public MediaFormatException(final String reason, final String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    /**
     * @return the short fixed phrase naming the violated rule.
     */
    public String reason() {
        return reason;
    }
}
