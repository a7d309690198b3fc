package io.ringcast.broadcast.auth;

/**
 * The store of the {@link RoomKeys} cannot be reached (the cluster's Redis is down or does not answer in time): the
 * message says so and why, for the publisher's refusal and the admin API's 503. Thrown on the caller's thread.
 */
public final class RoomKeysUnavailableException extends RuntimeException {
    public RoomKeysUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
