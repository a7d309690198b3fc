package io.ringcast.web.limits;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.web.testing.LoopbackServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 11, finding 5: a flood of empty publishes (connect, publish, close, no media) against the real server on
 * loopback, default configuration. Every publish is answered (started or rejected with a reason, never a dropped
 * connection), the empty streams end within seconds, a legitimate publisher is then served, and the server's
 * threads and direct memory come back to within 10 % of where they started.
 *
 * <p>The server runs in the test's JVM, so the thread count and the direct buffer pool read here are the
 * server's (plus JUnit's, constant). The baseline is taken after a warm-up of the same kind (see {@link #warmUp()}): a
 * cold server's baseline is ~300 KB, so one per-thread buffer the first flood leaves cached would read as growth.
 * Direct buffers are freed by the garbage collector's cleaner once unreachable, so the direct-memory check asks for
 * a collection while it waits.
 */
@Timeout(240)
class StreamFloodTest {
    private static final int EMPTY_PUBLISHES = 500;
    private static final int BATCH = 100;
    private static final int CLIENT_THREADS = 20;
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final double TOLERANCE = 0.10;

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private LoopbackServer server;

    @Test
    void shouldAnswerFiveHundredEmptyPublishesEndThemInSecondsAndKeepServingALegitimatePublisher()
            throws Exception {
        server = cleanup.add(LoopbackServer.start(""));
        warmUp();
        settleDirectMemory();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long directBefore = directMemoryUsedBytes();
        JsonNode statsBefore = server.serverStats();

        Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
        Map<String, AtomicLong> reasons = new ConcurrentHashMap<>();
        ManagementFactory.getThreadMXBean().resetPeakThreadCount();
        long startNs = System.nanoTime();
        flood("flood", EMPTY_PUBLISHES, answers, reasons);
        long floodMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        Map<String, Long> seen = counts(answers);
        System.out.printf("stream flood: %d empty publishes in %d ms, answers %s, refusal reasons %s; peak threads "
                        + "%d (%d of them the test's clients)%n", EMPTY_PUBLISHES, floodMs, seen, counts(reasons),
                ManagementFactory.getThreadMXBean().getPeakThreadCount(), CLIENT_THREADS);

        long started = seen.getOrDefault("NetStream.Publish.Start", 0L);
        long rejected = seen.getOrDefault("NetStream.Publish.Rejected", 0L);
        assertEquals(EMPTY_PUBLISHES, started + rejected, "every publish is answered, started or rejected: " + seen);
        JsonNode stats = server.serverStats();
        assertEquals(rejected, publisherRefusals(stats) - publisherRefusals(statsBefore),
                "each refusal is counted: " + stats);

        awaitNoStreams("the empty streams to end");
        JsonNode after = server.serverStats();
        assertEquals(started, noMediaCloses(after) - noMediaCloses(statsBefore),
                "each accepted empty stream was closed for sending no media: " + after);

        Await.until("threads back within 10 % of " + threadsBefore, SETTLE,
                () -> ManagementFactory.getThreadMXBean().getThreadCount() <= threadsBefore * (1 + TOLERANCE),
                () -> "now " + ManagementFactory.getThreadMXBean().getThreadCount());
        Await.until("direct memory back within 10 % of " + directBefore + " bytes", SETTLE, () -> {
            System.gc();
            return directMemoryUsedBytes() <= directBefore * (1 + TOLERANCE);
        }, () -> "now " + directMemoryUsedBytes() + " bytes");
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        long directAfter = directMemoryUsedBytes();

        ServerHealth.assertPublishAndPlayWork(server, "legitimate");
        System.out.printf("stream flood: threads %d -> %d, direct memory %d -> %d bytes; "
                        + "then a legitimate publish played back%n", threadsBefore, threadsAfter, directBefore,
                directAfter);
    }

    @Test
    void shouldEndASilentPublishersStreamAndConnectionAfterTheNoMediaTimeout() throws Exception {
        server = cleanup.add(LoopbackServer.start("""
                [limits]
                no_media_timeout_ms = 300
                """));
        StreamPath path = StreamPath.parse("live/silent");
        try (RawRtmpClient silent = new RawRtmpClient(server.rtmpPort(), 0)) {
            assertEquals("NetStream.Publish.Start", silent.publish("live", "silent").statusCode());
            Stream stream = server.engine().streams().find(path);
            assertNotNull(stream);
            assertTrue(silent.isClosedByServer(10_000), "the silent publisher is disconnected");
            assertTrue(stream.isClosed());
            assertFalse(stream.track(TrackKind.VIDEO).hasMedia(), "its rings were never allocated");
            JsonNode stats = server.serverStats();
            assertEquals(1, stats.get("streamsClosed").get("noMedia").asLong(), stats.toString());
            assertEquals(0, stats.get("directMemory").get("reservedBytes").asLong(), "its reservation was given back");
        }
        ServerHealth.assertPublishAndPlayWork(server, "silent");
        assertEquals(1, server.serverStats().get("streamsClosed").get("noMedia").asLong(),
                "a publisher that sends media is not cut off");
    }

    /**
     * One batch of the same flood before the baseline, so that what the server keeps
     * once it has served such clients (per-thread I/O buffers, lazily started pools, JIT-compiled paths) is in the
     * baseline and the check after the flood sees only what the flood left behind.
     */
    private void warmUp() throws Exception {
        server.serverStats();
        flood("warmup", BATCH, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        awaitNoStreams("the warm-up flood's streams to end");
        server.serverStats();
    }

    private void awaitNoStreams(String what) {
        Await.until(what, SETTLE, () -> server.engine().streams().size() == 0,
                () -> server.engine().streams().size() + " streams left");
    }

    private void flood(String prefix, int publishes, Map<String, AtomicLong> answers, Map<String, AtomicLong> reasons)
            throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
        try {
            for (int first = 0; first < publishes; first += BATCH) {
                List<Future<?>> batch = new ArrayList<>();
                for (int i = first; i < Math.min(publishes, first + BATCH); i++) {
                    String name = prefix + i;
                    batch.add(clients.submit(() -> emptyPublish(name, answers, reasons)));
                }
                for (Future<?> f : batch) {
                    f.get();
                }
            }
        } finally {
            clients.shutdown();
            assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    private void emptyPublish(String name, Map<String, AtomicLong> answers, Map<String, AtomicLong> reasons) {
        String answer;
        try (RawRtmpClient client = new RawRtmpClient(server.rtmpPort(), 0)) {
            RawRtmpClient.Message status = client.publish("live", name);
            answer = status.statusCode();
            if (!"NetStream.Publish.Start".equals(answer)) {
                reasons.computeIfAbsent(String.valueOf(status.statusDescription()), r -> new AtomicLong())
                        .incrementAndGet();
            }
        } catch (IOException | RuntimeException e) {
            answer = "failed: " + e.getClass().getSimpleName();
        }
        answers.computeIfAbsent(answer, a -> new AtomicLong()).incrementAndGet();
    }

    private static long publisherRefusals(JsonNode stats) {
        return stats.get("refused").get("publishersMaxStreams").asLong()
                + stats.get("refused").get("publishersDirectMemory").asLong();
    }

    private static long noMediaCloses(JsonNode stats) {
        return stats.get("streamsClosed").get("noMedia").asLong();
    }

    private static Map<String, Long> counts(Map<String, AtomicLong> counters) {
        Map<String, Long> values = new TreeMap<>();
        counters.forEach((k, v) -> values.put(k, v.get()));
        return values;
    }

    private static void settleDirectMemory() {
        System.gc();
        long previous = -1;
        long now = directMemoryUsedBytes();
        for (int i = 0; i < 10 && now != previous; i++) {
            System.gc();
            previous = now;
            now = directMemoryUsedBytes();
        }
    }

    private static long directMemoryUsedBytes() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct"))
                .mapToLong(BufferPoolMXBean::getMemoryUsed)
                .sum();
    }
}
