package io.ringcast.broadcast.auth;

/**
 * A publisher refused by the {@link PublishAuthorizer}: a wrong stream key, or (when {@link #isUnavailable()}) no
 * way to check the key just now (the keys' store is down). The message says why, for the log and, when the store is
 * down, for the publisher.
 */
public final class PublishRefusedException extends RuntimeException {
    private final boolean unavailable;

    public PublishRefusedException(String message) {
        this(message, false);
    }

    private PublishRefusedException(String message, boolean unavailable) {
        super(message, null, false, false);
        this.unavailable = unavailable;
    }

    /** A refusal because the keys cannot be checked now ({@link RoomKeysUnavailableException}'s reason). */
    public static PublishRefusedException unavailable(String reason) {
        return new PublishRefusedException(reason, true);
    }

    /**
     * Whether the key could not be checked (the store is down) rather than found wrong: the publisher may be told
     * the reason, which reveals nothing about keys.
     */
    public boolean isUnavailable() {
        return unavailable;
    }
}
