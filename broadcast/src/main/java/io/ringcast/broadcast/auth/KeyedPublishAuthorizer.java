package io.ringcast.broadcast.auth;

import io.ringcast.broadcast.stream.StreamPath;

/** Publishing only with a room's stream key as the stream name; the stream is published under the room's name. */
public final class KeyedPublishAuthorizer implements PublishAuthorizer {
    private final StreamKeys keys;

    public KeyedPublishAuthorizer(StreamKeys keys) {
        this.keys = keys;
    }

    @Override
    public StreamPath authorize(StreamPath requested) {
        String room = keys.roomForKey(requested.name())
                .orElseThrow(() -> new PublishRefusedException("no room has the stream key given for app "
                        + requested.app()));
        return new StreamPath(requested.app(), room);
    }

    @Override
    public boolean isOpen() {
        return false;
    }
}
