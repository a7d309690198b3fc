package io.ringcast.broadcast.auth;

/** A publisher refused by the {@link PublishAuthorizer} (wrong stream key); the message says why, for the log. */
public final class PublishRefusedException extends RuntimeException {
    public PublishRefusedException(String message) {
        super(message, null, false, false);
    }
}
