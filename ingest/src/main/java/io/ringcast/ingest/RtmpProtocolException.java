package io.ringcast.ingest;

/**
 * The protocol violation raised by every ingest codec (handshake, chunk stream, AMF0, FLV tag parsing) when the
 * peer sends bytes that break the RTMP, AMF0 or FLV specifications; thrown on the connection's ingest thread.
 * <p>
 * The connection that catches it closes itself and counts the {@link #reason()}, which is a short, fixed phrase
 * suitable as a counter label. Details (bad values) go into the message only.
 */
public class RtmpProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    /**
     * @param reason short fixed phrase naming the violated rule, e.g. "bad rtmp version".
     */
    public RtmpProtocolException(final String reason) {
        super(reason);
        this.reason = reason;
    }

    /**
     * @param reason short fixed phrase naming the violated rule, usable as a counter label.
     * @param detail the offending value(s), for the log line only.
     */
    public RtmpProtocolException(final String reason, final String detail) {
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
