package io.ringcast.perf.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.broadcast.testing.CloseAfterEach;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11, finding 2: once, after the stall tests, every HTTP request got an empty 503 until restart. A burst of
 * requests and responses abandoned at every stage (heads cut off, HTTP-FLV viewers and HLS segment downloads reset
 * mid-body, stalled viewers dropped for lag, stalled downloads left to the idle timeout (1.5 s here), viewers
 * resetting just as their stream ends) must leave the server answering normal requests with 200, and stopping
 * promptly on SIGTERM.
 */
@Tag("hostile")
@Timeout(120)
class PermanentUnavailableTest {
    private static final long BURST_MS = 10_000;
    private static final long STALL_MS = 3_000;
    private static final int END_RACE_CYCLES = 4;
    private static final int END_RACE_VIEWERS = 100;
    private static final String CONFIG = """
            [http]
            idle_timeout_ms = 1500
            [Engine]
            PublishTimeout = 1
            [ring]
            skip_lag_ms = 500
            disconnect_lag_ms = 1000
            """;

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private ServerProcess server;
    private SyntheticPublisher publisher;
    private final List<StalledClient> stalled = new ArrayList<>();

    @Test
    void shouldAnswerNormalRequestsWith200AfterABurstOfAbortedRequestsAndResponses() throws Exception {
        server = cleanup.add(ServerProcess.start(CONFIG));
        publisher = cleanup.add(SyntheticPublisher.start(server.rtmpPort(), "live", "s", 30, 60, 15_000, 100_000));
        Health.awaitUntil("an HLS segment of live/s", Duration.ofSeconds(20), () -> {
            HlsPlaylist p = HlsPlaylist.fetch(server.httpPort(), "live", "s", 2_000);
            return p != null && !p.segmentPaths().isEmpty();
        });
        String segment = HlsPlaylist.fetch(server.httpPort(), "live", "s", 2_000).segmentPaths().get(0);

        stalled.addAll(cleanup.addAll(StalledClient.open("127.0.0.14", server.httpPort(), "/live/s.flv", 30)));
        stalled.addAll(cleanup.addAll(StalledClient.open("127.0.0.15", server.httpPort(), segment, 20)));
        Thread.sleep(STALL_MS); // the stall phase: past the idle timeout, with every worker stuck in a write
        for (int i = 0; i < stalled.size(); i++) {
            if (i % 2 == 0) {
                stalled.get(i).abort();
            } else {
                stalled.get(i).close();
            }
        }
        stalled.clear();
        List<AbortingRequests> bursts = List.of(
                new AbortingRequests("127.0.0.16", server.httpPort(), "/live/s.flv", 400, 64 * 1024, false, BURST_MS,
                        1),
                new AbortingRequests("127.0.0.17", server.httpPort(), segment, 300, 256 * 1024, false, BURST_MS, 2),
                new AbortingRequests("127.0.0.18", server.httpPort(), "/api/server", 300, 0, false, BURST_MS, 3),
                new AbortingRequests("127.0.0.19", server.httpPort(), "/live/s.m3u8", 300, 0, true, BURST_MS, 4),
                new AbortingRequests("127.0.0.20", server.httpPort(), "/", 300, 200, false, BURST_MS, 5));
        List<Thread> threads = new ArrayList<>();
        for (AbortingRequests burst : bursts) {
            Thread t = new Thread(burst, "aborting-requests");
            t.start();
            threads.add(t);
        }
        int raced = 0;
        for (int cycle = 0; cycle < END_RACE_CYCLES; cycle++) {
            raced += raceViewerResetsWithStreamEnd(cycle);
        }
        for (Thread t : threads) {
            t.join(BURST_MS + 10_000);
        }
        System.out.println("[hostile] finding 2: burst " + bursts + "; " + raced + " viewers reset as their "
                + "stream ended, in " + END_RACE_CYCLES + " cycles");

        Health.awaitUntil("an HLS segment of the last publisher of live/s", Duration.ofSeconds(20), () -> {
            HlsPlaylist p = HlsPlaylist.fetch(server.httpPort(), "live", "s", 2_000);
            return p != null && !p.segmentPaths().isEmpty();
        });
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            for (String path : List.of("/api/server", "/api/streams", "/", "/live/s.m3u8")) {
                RawHttp.Answer a = RawHttp.get(server.httpPort(), path, 5_000);
                if (a.status() != 200 || a.body().length == 0 || a.elapsedMs() > Health.ANSWER_MS) {
                    failures.add(path + " -> " + a);
                }
            }
        }
        Health.assertFlvViewerServed(server, "/live/s.flv", 5_000);
        publisher.close();
        publisher = null;
        long stopMs = server.stop();
        System.out.println("[hostile] finding 2: normal requests failing after the burst: " + failures.size()
                + "; SIGTERM to exit " + stopMs + " ms");
        assertTrue(failures.isEmpty(), "after the burst, normal requests fail: " + failures.size() + ", first "
                + failures.subList(0, Math.min(5, failures.size())));
        assertTrue(stopMs >= 0 && stopMs < 10_000, "SIGTERM to exit: " + stopMs + " ms (-1: killed)");
    }

    /**
     * Viewers that reset their connections just as the server ends their responses: the publisher leaves, the
     * stream ends after PublishTimeout (1 s), and each viewer resets at a random moment between 0.6 and 1.6 s
     * after the publisher left. Then the publisher comes back. Returns the viewers that got bytes first.
     */
    private int raceViewerResetsWithStreamEnd(int cycle) throws Exception {
        java.util.concurrent.CountDownLatch left = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger watching = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService viewers = java.util.concurrent.Executors.newFixedThreadPool(
                END_RACE_VIEWERS);
        java.util.SplittableRandom random = new java.util.SplittableRandom(cycle);
        try {
            for (int i = 0; i < END_RACE_VIEWERS; i++) {
                long resetAfterMs = 600L + random.nextInt(1_000);
                viewers.execute(() -> watchThenReset(left, resetAfterMs, watching));
            }
            try {
                Health.awaitUntil("race viewers watching", Duration.ofSeconds(10),
                        () -> watching.get() >= END_RACE_VIEWERS / 2);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + " in cycle " + cycle + ": " + watching.get() + " of "
                        + END_RACE_VIEWERS + "; now GET /live/s.flv: " + RawHttp.head(server.httpPort(),
                        "/live/s.flv", Map.of(), 3_000) + ", GET /api/server: " + RawHttp.get(server.httpPort(),
                        "/api/server", 3_000), e);
            }
            publisher.close();
            left.countDown();
            viewers.shutdown();
            assertTrue(viewers.awaitTermination(20, java.util.concurrent.TimeUnit.SECONDS), "race viewers ended");
        } finally {
            viewers.shutdownNow();
        }
        publisher = cleanup.add(SyntheticPublisher.start(server.rtmpPort(), "live", "s", 30, 60, 15_000, 100_000));
        return watching.get();
    }

    private void watchThenReset(java.util.concurrent.CountDownLatch left, long resetAfterMs,
                                java.util.concurrent.atomic.AtomicInteger watching) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.bind(new java.net.InetSocketAddress("127.0.0.21", 0));
            s.connect(new java.net.InetSocketAddress("127.0.0.1", server.httpPort()), 5_000);
            s.setSoLinger(true, 0);
            s.getOutputStream().write("GET /live/s.flv HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.setSoTimeout(50);
            byte[] buffer = new byte[64 * 1024];
            boolean counted = false;
            long resetAt = Long.MAX_VALUE;
            while (System.nanoTime() < resetAt) {
                if (resetAt == Long.MAX_VALUE && left.getCount() == 0) {
                    resetAt = System.nanoTime() + resetAfterMs * 1_000_000;
                }
                try {
                    if (s.getInputStream().read(buffer) < 0) {
                        return; // the server ended the response first
                    }
                    if (!counted) {
                        counted = true;
                        watching.incrementAndGet();
                    }
                } catch (java.net.SocketTimeoutException idle) {
                    // no bytes in 50 ms: look at the clock again
                }
            }
        } catch (java.io.IOException e) {
            // refused or reset by the server: part of the race
        }
    }
}
