package io.ringcast.broadcast;

/**
 * A newcomer (publisher, viewer) refused because a configured limit is reached; the message says which, for the
 * protocol's refusal (RTMP onStatus error, HTTP 503). Nothing already accepted is affected.
 */
public final class LimitExceededException extends RuntimeException {
    public LimitExceededException(String message) {
        super(message, null, false, false);
    }
}
