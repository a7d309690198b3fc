package io.ringcast.broadcast.auth;

import io.ringcast.broadcast.stream.StreamPath;

/**
 * Decides who may publish what: maps the path a publisher asked for to the stream it publishes, or refuses.
 * Registered as an engine service by the {@code auth} plugin; thread-safe.
 */
public interface PublishAuthorizer {
    /** Anyone may publish any name (trusted LANs). */
    PublishAuthorizer OPEN = requested -> requested;

    /**
     * @return the stream to publish to (with stream keys: {@code app/KEY} becomes {@code app/ROOM})
     * @throws PublishRefusedException when the publisher may not publish
     */
    StreamPath authorize(StreamPath requested);

    /** Whether this authorizer lets anybody publish (for the startup warning). */
    default boolean isOpen() {
        return this == OPEN;
    }
}
