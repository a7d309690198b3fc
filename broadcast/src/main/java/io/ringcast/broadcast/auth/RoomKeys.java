package io.ringcast.broadcast.auth;

import io.ringcast.broadcast.stream.StreamPath;

import java.io.IOException;
import java.util.Optional;

/**
 * The publishing key of each room (livego's model; see {@link StreamKeys} for rooms and keys): the engine service
 * the admin API and {@link KeyedPublishAuthorizer} use. Single server: {@link StreamKeys} in a file; cluster: the
 * rooms in Redis that every node shares. Thread-safe.
 *
 * <p>Every method may throw {@link RoomKeysUnavailableException} when the keys' store cannot be reached (Redis
 * down); the file store never does.
 */
public interface RoomKeys {
    /** The room's key, created (and stored) if the room has none. */
    String getOrCreate(String room) throws IOException;

    /** Gives the room a new key (the old one stops working at once) and stores it. */
    String reset(String room) throws IOException;

    /** Deletes the room's key; false if it had none. */
    boolean delete(String room) throws IOException;

    /**
     * The room whose key this is, compared in constant time; empty for anything that is not a room's key.
     *
     * @throws RoomKeysUnavailableException when the store cannot answer and the key is not known otherwise
     */
    Optional<String> roomForKey(String candidate);

    /** The room's key, if any (for the admin API). */
    Optional<String> keyOf(String room);

    /** The stream of the room whose key this is (see {@link #roomForKey}). */
    default Optional<StreamPath> streamForKey(String candidate) {
        return roomForKey(candidate).map(StreamKeys::streamOf);
    }
}
