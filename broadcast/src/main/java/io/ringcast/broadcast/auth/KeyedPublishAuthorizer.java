package io.ringcast.broadcast.auth;

import io.ringcast.broadcast.stream.StreamPath;

import java.util.Optional;

/**
 * Publishing only with a room's stream key as the stream name, under the room's own app: {@code app/KEY} publishes
 * the room {@code app/ROOM}; the key of a room of another app is refused as if it were no key at all (the refusal
 * does not tell that the key exists). When the keys' store is down, a key it cannot vouch for is refused as
 * {@linkplain PublishRefusedException#isUnavailable() unavailable}, with the store's reason. Thread-safe; asks the
 * {@link RoomKeys} on the publisher's connection thread (with Redis: a blocking call bounded by its timeout).
 */
public final class KeyedPublishAuthorizer implements PublishAuthorizer {
    private final RoomKeys keys;

    public KeyedPublishAuthorizer(RoomKeys keys) {
        this.keys = keys;
    }

    @Override
    public StreamPath authorize(StreamPath requested) {
        Optional<StreamPath> stream;
        try {
            stream = keys.streamForKey(requested.name());
        } catch (RoomKeysUnavailableException e) {
            throw PublishRefusedException.unavailable(e.getMessage());
        }
        return stream
                .filter(room -> room.app().equals(requested.app()))
                .orElseThrow(() -> new PublishRefusedException("no room of app " + requested.app()
                        + " has the stream key given"));
    }

    @Override
    public boolean isOpen() {
        return false;
    }
}
