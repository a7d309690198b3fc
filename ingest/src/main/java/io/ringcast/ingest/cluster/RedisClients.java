package io.ringcast.ingest.cluster;

import io.ringcast.ingest.upstream.UpstreamUrl;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.util.JedisURIHelper;

import java.net.URI;
import java.time.Duration;

/**
 * Opens the cluster's Redis client from {@code [cluster] directory}: a pooled {@link RedisClient} whose connect
 * and read timeouts, and whose wait for a pooled connection, are {@code redis_timeout_ms}, so no call blocks
 * longer. Startup only.
 */
final class RedisClients {
    /** Connections kept: the cluster thread, a few concurrent publishes and viewer lookups. */
    private static final int MAX_CONNECTIONS = 16;

    private RedisClients() {
    }

    static RedisClient open(ClusterConfig config) {
        URI uri = URI.create(config.directory());
        int timeoutMs = (int) config.redisTimeoutMs();
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMs)
                .socketTimeoutMillis(timeoutMs)
                .database(JedisURIHelper.getDBIndex(uri))
                .ssl(JedisURIHelper.isRedisSSLScheme(uri))
                .clientName("ringcast-" + config.nodeId());
        String user = JedisURIHelper.getUser(uri);
        String password = JedisURIHelper.getPassword(uri);
        if (user != null && !user.isEmpty()) {
            client.user(user);
        }
        if (password != null && !password.isEmpty()) {
            client.password(password);
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(MAX_CONNECTIONS);
        pool.setMaxIdle(MAX_CONNECTIONS);
        pool.setMaxWait(Duration.ofMillis(timeoutMs));
        pool.setBlockWhenExhausted(true);
        pool.setJmxEnabled(false);
        pool.setTestOnBorrow(false);
        return RedisClient.builder()
                .hostAndPort(new HostAndPort(uri.getHost(), ClusterConfigReader.redisPort(uri)))
                .clientConfig(client.build())
                .poolConfig(pool)
                .build();
    }

    /** The directory URL as logs and the API may show it: credentials masked. */
    static String shown(String directory) {
        return UpstreamUrl.maskText(directory);
    }

    /** The password in {@code directory}, to be masked out of error texts; "" when none. */
    static String password(String directory) {
        String password = JedisURIHelper.getPassword(URI.create(directory));
        return password == null ? "" : password;
    }
}
