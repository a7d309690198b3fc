package io.ringcast.ingest.cluster;

import io.ringcast.broadcast.auth.KeyedPublishAuthorizer;
import io.ringcast.broadcast.auth.PublishRefusedException;
import io.ringcast.broadcast.auth.RoomKeysUnavailableException;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.RedisServer;
import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.broadcast.time.NanoClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link RedisRoomKeys} against a real redis-server: livego's layout, two instances on one Redis as two nodes, the
 * lookups that let nothing but a room's key pass, and the Redis-down cache.
 */
@Timeout(60)
class RedisRoomKeysTest {
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private RedisServer redis;

    @BeforeEach
    void startRedis() {
        redis = cleanup.add(RedisServer.start());
    }

    private RedisRoomKeys node() {
        return node(NanoClock.SYSTEM, RedisRoomKeys.DEFAULT_CACHE_MAX_AGE_MS);
    }

    private RedisRoomKeys node(NanoClock clock, long cacheMaxAgeMs) {
        RedisClient client = cleanup.add(RedisClient.create(URI.create(redis.url())));
        return new RedisRoomKeys(client, clock, cacheMaxAgeMs, 16);
    }

    @Test
    void shouldStoreEachRoomAndKeyBothWaysWithoutExpiryOrPrefixAsLivegoDoes() {
        RedisRoomKeys keys = node();
        String hall = keys.getOrCreate("hall");
        assertTrue(hall.matches("[0-9a-f]{48}"), hall);
        assertEquals(hall, redis.command("GET", "hall"));
        assertEquals("hall", redis.command("GET", hall));
        assertEquals("-1", redis.command("TTL", "hall"), "no expiry");
        assertEquals("-1", redis.command("TTL", hall), "no expiry");
        assertEquals(hall, keys.getOrCreate("live/hall"), "live/hall is the room hall");
        assertEquals(hall, keys.getOrCreate("hall"), "get is idempotent");

        String studio = keys.getOrCreate("studio/hall");
        assertNotEquals(hall, studio);
        assertEquals(studio, redis.command("GET", "studio/hall"));
        assertEquals("studio/hall", redis.command("GET", studio));
        assertEquals("4", redis.command("DBSIZE"), "two rooms, two entries each, nothing else");
        assertEquals(Optional.of(studio), keys.keyOf("studio/hall"));
        assertEquals(Optional.of(new StreamPath("studio", "hall")), keys.streamForKey(studio));
        assertEquals(Optional.of(new StreamPath("live", "hall")), keys.streamForKey(hall));
    }

    @Test
    void shouldRefuseAResetKeyOnEveryNodeAtOnceAndAcceptTheNewOneEverywhere() {
        RedisRoomKeys node1 = node();
        RedisRoomKeys node2 = node();
        String old = node1.getOrCreate("hall");
        assertEquals(Optional.of("hall"), node1.roomForKey(old));
        assertEquals(Optional.of("hall"), node2.roomForKey(old));

        String fresh = node1.reset("hall");
        assertNotEquals(old, fresh);
        assertEquals(Optional.empty(), node1.roomForKey(old), "refused on the node that reset it");
        assertEquals(Optional.empty(), node2.roomForKey(old), "and on the other node, at once");
        assertEquals(Optional.of("hall"), node1.roomForKey(fresh));
        assertEquals(Optional.of("hall"), node2.roomForKey(fresh));
        assertEquals(fresh, redis.command("GET", "hall"));
        assertEquals("hall", redis.command("GET", fresh));
        assertNull(redis.command("GET", old), "the old key's entry is deleted");
        assertEquals(fresh, node2.getOrCreate("hall"));

        assertTrue(node2.delete("hall"));
        assertNull(redis.command("GET", "hall"));
        assertNull(redis.command("GET", fresh));
        assertEquals(Optional.empty(), node1.roomForKey(fresh));
        assertFalse(node1.delete("hall"), "already deleted through the other node");
        assertEquals("0", redis.command("DBSIZE"));
    }

    @Test
    void shouldGiveARoomOneKeyWhenTwoNodesCreateItAtOnce() throws Exception {
        RedisRoomKeys node1 = node();
        RedisRoomKeys node2 = node();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        cleanup.add(pool::shutdownNow);
        int rooms = 50;
        for (int i = 0; i < rooms; i++) {
            String room = "race" + i;
            CyclicBarrier start = new CyclicBarrier(2);
            Future<String> a = pool.submit(() -> {
                start.await(5, TimeUnit.SECONDS);
                return node1.getOrCreate(room);
            });
            Future<String> b = pool.submit(() -> {
                start.await(5, TimeUnit.SECONDS);
                return node2.getOrCreate(room);
            });
            String keyA = a.get(10, TimeUnit.SECONDS);
            assertEquals(keyA, b.get(10, TimeUnit.SECONDS), room + ": both nodes got the same key");
            assertEquals(room, redis.command("GET", keyA));
        }
        assertEquals(Integer.toString(2 * rooms), redis.command("DBSIZE"), "no second key was ever written");
    }

    @Test
    void shouldRefuseCandidatesThatAreNotARoomsKey() {
        RedisRoomKeys keys = node();
        String hall = keys.getOrCreate("hall");
        String other = keys.getOrCreate("other");
        assertEquals(Optional.empty(), keys.roomForKey("hall"), "a room name is not a key");
        assertEquals(Optional.empty(), keys.roomForKey(hall.toUpperCase(Locale.ROOT)), "keys are lower-case hex");
        assertEquals(Optional.empty(), keys.roomForKey(hall.substring(1)), "47 characters");
        assertEquals(Optional.empty(), keys.roomForKey(hall + "0"), "49 characters");

        redis.command("SET", "ringcast:stream:live/x", "o1");
        assertEquals(Optional.empty(), keys.roomForKey("ringcast:stream:live/x"), "a directory entry");
        String fake = "ab".repeat(24);
        redis.command("SET", fake, "ringcast:node:o1");
        assertEquals(Optional.empty(), keys.roomForKey(fake), "a key-shaped name whose value is no room");
        redis.command("SET", fake, "hall");
        assertEquals(Optional.empty(), keys.roomForKey(fake), "a reverse entry the room does not confirm");
        redis.command("SET", fake, other);
        assertEquals(Optional.empty(), keys.roomForKey(fake), "a reverse entry naming a key, not a room");
        assertEquals(Optional.of("other"), keys.roomForKey(other));

        assertThrows(IllegalArgumentException.class, () -> keys.getOrCreate("cd".repeat(24)),
                "a room named like a key would make livego's layout ambiguous");
        assertThrows(IllegalArgumentException.class, () -> keys.getOrCreate("a/b/c"));

        redis.kill9();
        assertEquals(Optional.empty(), keys.roomForKey("hall"), "refused without asking Redis (which is down)");
    }

    @Test
    void shouldAcceptOnlyKeysVerifiedHereLatelyWhileRedisIsDown() {
        ManualClock clock = new ManualClock(0);
        RedisRoomKeys keys = node(clock, 60_000);
        KeyedPublishAuthorizer authorizer = new KeyedPublishAuthorizer(keys);
        String known = keys.getOrCreate("hall");
        String unknown = keys.getOrCreate("other");
        String resetAway = keys.getOrCreate("gone");
        assertEquals(new StreamPath("live", "hall"), authorizer.authorize(new StreamPath("live", known)));
        assertEquals(Optional.of("gone"), keys.roomForKey(resetAway));
        String replacement = keys.reset("gone");
        assertNotEquals(resetAway, replacement);

        redis.kill9();
        clock.advance(Duration.ofSeconds(59));
        assertEquals(new StreamPath("live", "hall"), authorizer.authorize(new StreamPath("live", known)),
                "a known encoder reconnects while Redis is down");
        PublishRefusedException refused = assertThrows(PublishRefusedException.class,
                () -> authorizer.authorize(new StreamPath("live", unknown)));
        assertTrue(refused.isUnavailable());
        assertTrue(refused.getMessage().startsWith("stream keys unavailable: Redis unreachable"),
                refused.getMessage());
        assertThrows(RoomKeysUnavailableException.class, () -> keys.roomForKey(resetAway),
                "a key reset through this node is forgotten at once");
        RoomKeysUnavailableException admin = assertThrows(RoomKeysUnavailableException.class,
                () -> keys.getOrCreate("new"));
        assertTrue(admin.getMessage().startsWith("stream keys unavailable: Redis"), admin.getMessage());
        assertThrows(RoomKeysUnavailableException.class, () -> keys.reset("hall"));
        assertThrows(RoomKeysUnavailableException.class, () -> keys.delete("hall"));
        assertThrows(RoomKeysUnavailableException.class, () -> keys.keyOf("hall"));

        clock.advance(Duration.ofSeconds(2));
        assertThrows(RoomKeysUnavailableException.class, () -> keys.roomForKey(known),
                "verified more than the cache's age ago");

        redis.restart();
        assertEquals(Optional.empty(), keys.roomForKey(known), "Redis back (empty): asked again, and refused");
        String again = keys.getOrCreate("hall");
        assertEquals(Optional.of("hall"), keys.roomForKey(again));
    }

    @Test
    void shouldKeepTheMostRecentlyVerifiedKeysWithinTheCapacity() {
        VerifiedKeys cache = new VerifiedKeys(TimeUnit.SECONDS.toNanos(60), 2);
        cache.verified("k1", "a", 0);
        cache.verified("k2", "b", 1);
        cache.verified("k1", "a", 2);
        cache.verified("k3", "c", 3);
        assertEquals(2, cache.size());
        assertNull(cache.roomOf("k2", 4), "the least recently verified key was dropped");
        assertEquals("a", cache.roomOf("k1", 4));
        assertEquals("c", cache.roomOf("k3", 4));
        cache.forgetRoom("a");
        assertNull(cache.roomOf("k1", 4));
        assertNull(cache.roomOf("k3", TimeUnit.SECONDS.toNanos(60) + 4), "older than the maximum age");
        assertEquals(0, cache.size());
        assertThrows(IllegalArgumentException.class, () -> new VerifiedKeys(0, 2));
        assertThrows(IllegalArgumentException.class, () -> new VerifiedKeys(1, 0));
    }

    @Test
    void shouldWriteAnImportedRoomBothWaysAndKeepAnotherKeyUnlessOverwriting() {
        RedisRoomKeys keys = node();
        String k1 = "12".repeat(24);
        String k2 = "34".repeat(24);
        assertEquals(RedisRoomKeys.Put.WRITTEN, keys.put("live/hall", k1, false));
        assertEquals(k1, redis.command("GET", "hall"));
        assertEquals("hall", redis.command("GET", k1));
        assertEquals(RedisRoomKeys.Put.UNCHANGED, keys.put("hall", k1, false));
        assertEquals(RedisRoomKeys.Put.SKIPPED, keys.put("hall", k2, false));
        assertEquals(k1, redis.command("GET", "hall"));
        assertNull(redis.command("GET", k2));
        assertEquals(RedisRoomKeys.Put.KEY_TAKEN, keys.put("studio/hall", k1, true), "k1 is hall's");
        assertNull(redis.command("GET", "studio/hall"));
        assertEquals(RedisRoomKeys.Put.REPLACED, keys.put("hall", k2, true));
        assertEquals(k2, redis.command("GET", "hall"));
        assertEquals("hall", redis.command("GET", k2));
        assertNull(redis.command("GET", k1), "the replaced key's entry is deleted");
        assertEquals(Optional.empty(), keys.roomForKey(k1));
        assertEquals(Optional.of("hall"), keys.roomForKey(k2));
        assertThrows(IllegalArgumentException.class, () -> keys.put("hall", "not-a-key", true));
        List<String> all = new ArrayList<>(List.of(redis.command("KEYS", "*").split("\n")));
        all.sort(null);
        assertEquals(List.of(k2, "hall"), all);
    }
}
