package io.ringcast.ingest.upstream;

import java.io.IOException;

/**
 * An upstream refused, timed out or broke the protocol; the message says which, with credentials masked, and is
 * what the relay shows as its failure reason.
 */
public final class UpstreamException extends IOException {
    private static final long serialVersionUID = 1L;

    public UpstreamException(String message) {
        super(message);
    }

    public UpstreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
