package io.ringcast.broadcast.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class RedisServerTest {
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();

    @Test
    void shouldStoreAndLoseValuesAcrossAKill() {
        RedisServer redis = cleanup.add(RedisServer.start("127.0.0.1", "s3cret"));
        assertTrue(redis.url().startsWith("redis://:s3cret@127.0.0.1:"), redis.url());
        assertEquals("OK", redis.command("SET", "live/x", "node-1", "PX", "10000"));
        assertEquals("node-1", redis.command("GET", "live/x"));
        redis.restart();
        assertNull(redis.command("GET", "live/x"), "no persistence: a restarted Redis is empty");
        redis.close();
        assertTrue(!redis.isAlive());
    }
}
