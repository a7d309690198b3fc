package io.ringcast.broadcast.auth;

import io.ringcast.broadcast.stream.StreamPath;

/**
 * Publishing only with a room's stream key as the stream name, under the room's own app: {@code app/KEY} publishes
 * the room {@code app/ROOM}; the key of a room of another app is refused as if it were no key at all (the refusal
 * does not tell that the key exists). Thread-safe (reads the keys' snapshot).
 */
public final class KeyedPublishAuthorizer implements PublishAuthorizer {
    private final RoomKeys keys;

    public KeyedPublishAuthorizer(RoomKeys keys) {
        this.keys = keys;
    }

    @Override
    public StreamPath authorize(StreamPath requested) {
        return keys.streamForKey(requested.name())
                .filter(room -> room.app().equals(requested.app()))
                .orElseThrow(() -> new PublishRefusedException("no room of app " + requested.app()
                        + " has the stream key given"));
    }

    @Override
    public boolean isOpen() {
        return false;
    }
}
