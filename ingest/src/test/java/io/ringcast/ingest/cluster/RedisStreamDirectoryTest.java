package io.ringcast.ingest.cluster;

import io.ringcast.broadcast.stream.PublishDeniedException;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.RedisServer;
import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.broadcast.time.ManualWallClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The directory against a real redis-server: heartbeats, claims, refusals, takeover of a dead node's entry, release,
 * and a Redis outage (publishes accepted locally, registered when it returns, conflicts shown). The cluster thread's
 * work runs on the test thread ({@link RedisStreamDirectory#doWork}) with a manual clock; only Redis's own expiry is
 * waited for.
 */
@Timeout(60)
class RedisStreamDirectoryTest {
    private static final StreamPath X = StreamPath.parse("live/x");
    private static final StreamPath Y = StreamPath.parse("live/y");
    private static final Duration HEARTBEAT_PERIOD = Duration.ofMillis(100); // node_ttl_ms 300 / 3
    private static final long EPOCH_MS = 1_700_000_000_000L;

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final ManualWallClock wallClock = new ManualWallClock(Instant.ofEpochMilli(EPOCH_MS));
    private RedisServer redis;

    @BeforeEach
    void startRedis() {
        redis = cleanup.add(RedisServer.start());
    }

    private ClusterConfig config(String id, ClusterRole role, long nodeTtlMs) {
        return new ClusterConfig(id, role, "http://127.0.0.1:80" + id.length(), "rtmp://127.0.0.1:1935",
                redis.url() + "/0", 10_000, nodeTtlMs, 500, "http-flv", "rc:");
    }

    private RedisStreamDirectory node(String id, ClusterRole role, long nodeTtlMs) {
        ClusterConfig config = config(id, role, nodeTtlMs);
        RedisClient client = cleanup.add(RedisClients.open(config));
        RedisStreamDirectory directory = new RedisStreamDirectory(config, client, clock, wallClock);
        cleanup.add(directory);
        directory.doWork(); // connects: PING and the first heartbeat
        return directory;
    }

    private RedisStreamDirectory node(String id) {
        return node(id, ClusterRole.ORIGIN, 300);
    }

    @Test
    void shouldWriteTheHeartbeatAndClaimAnAbsentEntry() {
        RedisStreamDirectory o1 = node("o1");
        assertTrue(o1.status().up());
        assertEquals("id\no1\nrole\norigin\nhttp\nhttp://127.0.0.1:802\nrtmp\nrtmp://127.0.0.1:1935\nheartbeat\n"
                + EPOCH_MS, redis.command("HGETALL", "rc:node:o1"));
        long nodeTtl = Long.parseLong(redis.command("PTTL", "rc:node:o1"));
        assertTrue(nodeTtl > 0 && nodeTtl <= 300, "heartbeat expiry " + nodeTtl);

        assertEquals(Optional.empty(), o1.claim(X));
        assertEquals("o1", redis.command("GET", "rc:stream:live/x"));
        long entryTtl = Long.parseLong(redis.command("PTTL", "rc:stream:live/x"));
        assertTrue(entryTtl > 9_000 && entryTtl <= 10_000, "entry expiry " + entryTtl);
        NodeInfo holder = o1.holderOf(X).orElseThrow();
        assertEquals(new NodeInfo("o1", ClusterRole.ORIGIN, "http://127.0.0.1:802", "rtmp://127.0.0.1:1935",
                EPOCH_MS), holder);
        assertEquals(Optional.empty(), o1.holderOf(Y));
        assertEquals(Map.of(X, "o1"), o1.streams());
        assertEquals(List.of("o1"), o1.nodes().stream().map(NodeInfo::id).toList());
    }

    @Test
    void shouldRefuseANameAnotherLiveNodeHoldsWithTheNodesId() {
        RedisStreamDirectory o1 = node("o1");
        RedisStreamDirectory o2 = node("o2");
        assertEquals(Optional.empty(), o1.claim(X));

        assertEquals(Optional.of("o1"), o2.claim(X));
        PublishDeniedException refused = assertThrows(PublishDeniedException.class,
                () -> new ClusterPublishGate(ClusterRole.ORIGIN, o2).admit(X));
        assertEquals("live/x is live on node o1", refused.getMessage());
        assertEquals("o1", redis.command("GET", "rc:stream:live/x"), "the entry is unchanged");
        assertEquals(Optional.empty(), o1.claim(X), "the holder itself may publish it again (a second session)");
        assertEquals(List.of("o1", "o2"), o2.nodes().stream().map(NodeInfo::id).toList());
    }

    @Test
    void shouldTakeOverAnEntryWhoseNodesHeartbeatExpired() {
        RedisStreamDirectory o1 = node("o1");
        RedisStreamDirectory o2 = node("o2");
        assertEquals(Optional.empty(), o1.claim(X));
        // o1 stops beating (its cluster thread is not run); o2 keeps beating with the clock.
        Await.until("o1's heartbeat expired in Redis", Duration.ofSeconds(5), () -> {
            clock.advance(HEARTBEAT_PERIOD);
            o2.doWork();
            return "0".equals(redis.command("EXISTS", "rc:node:o1"));
        });
        assertEquals("o1", redis.command("GET", "rc:stream:live/x"), "the entry outlives its node");
        assertEquals(Optional.empty(), o2.holderOf(X), "a dead node holds nothing");

        assertEquals(Optional.empty(), o2.claim(X), "taken over at once");
        assertEquals("o2", redis.command("GET", "rc:stream:live/x"));
        assertEquals("o2", o2.holderOf(X).orElseThrow().id());
    }

    @Test
    void shouldKeepBeatingOnlyWhileTheClockSaysSo() {
        RedisStreamDirectory o1 = node("o1");
        wallClock.advance(Duration.ofMillis(50));
        clock.advance(Duration.ofMillis(50));
        o1.doWork();
        assertEquals(Long.toString(EPOCH_MS), redis.command("HGET", "rc:node:o1", "heartbeat"), "not due yet");
        clock.advance(Duration.ofMillis(50));
        o1.doWork();
        assertEquals(Long.toString(EPOCH_MS + 50), redis.command("HGET", "rc:node:o1", "heartbeat"),
                "due after a third of node_ttl_ms");
    }

    @Test
    void shouldDeleteTheEntryWhenTheLastPublishHereEnds() {
        RedisStreamDirectory o1 = node("o1");
        assertEquals(Optional.empty(), o1.claim(X));
        assertEquals(Optional.empty(), o1.claim(X)); // a publisher taking over a stale one: two overlap
        o1.release(X);
        o1.doWork();
        assertEquals("o1", redis.command("GET", "rc:stream:live/x"), "one publish of live/x still runs here");
        o1.release(X);
        o1.doWork();
        assertNull(redis.command("GET", "rc:stream:live/x"), "released: another origin may take it at once");
        assertEquals(Optional.empty(), node("o2").claim(X));
        assertEquals("o2", redis.command("GET", "rc:stream:live/x"));
    }

    @Test
    void shouldNotDeleteAnEntryAnotherNodeTookMeanwhile() {
        RedisStreamDirectory o1 = node("o1");
        assertEquals(Optional.empty(), o1.claim(X));
        redis.command("SET", "rc:stream:live/x", "o9");
        o1.release(X);
        o1.doWork();
        assertEquals("o9", redis.command("GET", "rc:stream:live/x"), "compare-and-delete");
    }

    @Test
    void shouldRefreshTheEntriesOfStreamsPublishedHere() {
        RedisStreamDirectory o1 = node("o1");
        assertEquals(Optional.empty(), o1.claim(X));
        redis.command("PEXPIRE", "rc:stream:live/x", "1000");
        clock.advance(Duration.ofMillis(3_334)); // a third of entry_ttl_ms
        o1.doWork();
        long entryTtl = Long.parseLong(redis.command("PTTL", "rc:stream:live/x"));
        assertTrue(entryTtl > 9_000, "refreshed to entry_ttl_ms: " + entryTtl);
    }

    @Test
    void shouldRegisterPublishesAcceptedWhileRedisWasDown() {
        RedisStreamDirectory o1 = node("o1");
        assertEquals(Optional.empty(), o1.claim(X));
        redis.kill9();
        clock.advance(HEARTBEAT_PERIOD);
        o1.doWork(); // the heartbeat fails
        DirectoryStatus down = o1.status();
        assertFalse(down.up());
        assertFalse(down.lastError().isEmpty(), "the reason is shown");

        long before = System.nanoTime();
        DirectoryUnavailableException unavailable = assertThrows(DirectoryUnavailableException.class,
                () -> o1.holderOf(X));
        assertTrue(System.nanoTime() - before < 100_000_000L, "no wait while Redis is known down");
        assertTrue(unavailable.getMessage().startsWith("the stream directory is unavailable: "),
                unavailable.getMessage());

        assertEquals(Optional.empty(), o1.claim(Y), "accepted locally");
        assertEquals(1, o1.status().pendingRegistrations());

        redis.restart(); // empty: every entry and heartbeat is gone
        clock.advance(HEARTBEAT_PERIOD);
        o1.doWork(); // the probe: PING, heartbeat, then the claims
        assertTrue(o1.status().up());
        assertEquals(0, o1.status().pendingRegistrations());
        assertEquals("o1", redis.command("GET", "rc:stream:live/y"), "the stream published in the outage");
        assertEquals("o1", redis.command("GET", "rc:stream:live/x"), "and the one from before it");
        assertEquals("o1", redis.command("HGET", "rc:node:o1", "id"));
    }

    @Test
    void shouldShowAConflictWhenAnotherNodeTookTheNameDuringTheOutage() {
        RedisStreamDirectory o1 = node("o1");
        redis.kill9();
        clock.advance(HEARTBEAT_PERIOD);
        o1.doWork();
        assertEquals(Optional.empty(), o1.claim(X), "accepted locally while down");
        redis.restart();
        RedisStreamDirectory o2 = node("o2");
        assertEquals(Optional.empty(), o2.claim(X), "o2 sees no entry and claims it");

        clock.advance(HEARTBEAT_PERIOD);
        o1.doWork();
        assertTrue(o1.status().up());
        assertEquals(Map.of(X, "o2"), o1.conflicts());
        assertEquals(0, o1.status().pendingRegistrations());
        assertEquals("o2", redis.command("GET", "rc:stream:live/x"), "the live holder keeps it");
    }

    @Test
    void shouldRemoveTheNodeAndItsEntriesOnClose() {
        RedisStreamDirectory o1 = node("o1");
        assertEquals(Optional.empty(), o1.claim(X));
        assertEquals(Optional.empty(), o1.claim(Y));
        o1.close();
        assertEquals("0", redis.command("EXISTS", "rc:node:o1"));
        assertEquals("0", redis.command("EXISTS", "rc:stream:live/x", "rc:stream:live/y"));
    }

    @Test
    void shouldRefuseEveryPublishOnAnEdge() {
        RedisStreamDirectory edge = node("e1", ClusterRole.EDGE, 300);
        PublishDeniedException refused = assertThrows(PublishDeniedException.class,
                () -> new ClusterPublishGate(ClusterRole.EDGE, edge).admit(X));
        assertEquals("this node is an edge: publish to an origin", refused.getMessage());
        assertNull(redis.command("GET", "rc:stream:live/x"));
        assertEquals("edge", redis.command("HGET", "rc:node:e1", "role"));
    }
}
