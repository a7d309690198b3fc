package io.ringcast.ingest.cluster;

import io.ringcast.broadcast.auth.RoomKeys;
import redis.clients.jedis.UnifiedJedis;

import java.util.Optional;

/**
 * The rooms' stream keys in the cluster's Redis, in livego's layout ({@code configure/channel.go}): {@code SET room
 * key} and {@code SET key room}, no expiry, so every node (and livego tooling) shares them. Thread-safe.
 *
 * <p>Contract stub: implemented on the keys branch.
 */
public final class RedisRoomKeys implements RoomKeys {
    private final UnifiedJedis redis;

    public RedisRoomKeys(UnifiedJedis redis) {
        this.redis = redis;
    }

    @Override
    public String getOrCreate(String room) {
        throw new UnsupportedOperationException("not implemented yet: " + redis);
    }

    @Override
    public String reset(String room) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public boolean delete(String room) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public Optional<String> roomForKey(String candidate) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public Optional<String> keyOf(String room) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
