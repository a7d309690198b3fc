package io.ringcast.web.auth;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.auth.RoomKeys;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.plugin.Plugin;
import io.ringcast.ingest.cluster.RedisRoomKeys;
import redis.clients.jedis.RedisClient;

import java.net.URI;

/**
 * Test stand-in for the cluster plugin's key half, found through {@link java.util.ServiceLoader} on the test class
 * path: section {@code [test_redis_room_keys]} ({@code enable}, off by default; {@code redis} URL) registers a
 * {@link RedisRoomKeys} as the {@link RoomKeys} engine service before the auth plugin starts, as ClusterPlugin does
 * when {@code [cluster] directory} is set.
 */
public final class RedisRoomKeysPlugin implements Plugin {
    private boolean enable;
    private String redisUrl;
    private Engine engine;
    private RedisClient client;
    private RedisRoomKeys keys;

    @Override
    public String name() {
        return "test_redis_room_keys";
    }

    @Override
    public int order() {
        return -10;
    }

    @Override
    public void configure(ConfigSection section) {
        enable = section.getBoolean("enable", false);
        redisUrl = section.getString("redis", "");
        if (enable && redisUrl.isEmpty()) {
            throw section.error("redis", "must be set");
        }
    }

    @Override
    public boolean enabled() {
        return enable;
    }

    @Override
    public void start(Engine engine) {
        this.engine = engine;
        client = RedisClient.create(URI.create(redisUrl));
        keys = new RedisRoomKeys(client, engine.clock(), RedisRoomKeys.DEFAULT_CACHE_MAX_AGE_MS,
                RedisRoomKeys.DEFAULT_CACHE_CAPACITY);
        engine.registerService(RoomKeys.class, keys);
    }

    @Override
    public void stop() {
        engine.unregisterService(RoomKeys.class, keys);
        client.close();
    }
}
