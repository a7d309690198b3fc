package io.ringcast.ingest;

import io.ringcast.broadcast.media.MediaFormatException;

/**
 * The protocol violation raised by every ingest codec (handshake, chunk stream, commands) when the peer sends bytes
 * that break the RTMP specification, or media (AMF0, FLV, codec configuration) that breaks its format; thrown on
 * the connection's ingest thread.
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
     * The peer's media broke its format: the same reason and message, as a violation of RTMP's payload rules.
     *
     * @param cause what the media parser refused.
     */
    public RtmpProtocolException(final MediaFormatException cause) {
        super(cause.getMessage(), cause);
        this.reason = cause.reason();
    }

    /**
     * @return the short fixed phrase naming the violated rule.
     */
    public String reason() {
        return reason;
    }
}
