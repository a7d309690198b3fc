package io.ringcast.perf.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.web.testing.HookServer;
import io.ringcast.web.testing.HookServer.Reply;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17, hooks under hostile conditions, against a real server process with glibc's heap checks: a hook service
 * that never answers is called 1,000 times (viewers at once, in rounds) and must leave no thread, connection or
 * open call behind; and 1,000 HTTP-FLV viewers joining at once with a 200 ms hook must all get their answer, timed
 * (the figures go to the test's output).
 */
@Tag("hostile")
@Timeout(180)
class HooksHostileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 1_000;
    private static final int ROUND = 250;
    private static final int TIMEOUT_MS = 500;

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();

    private ServerProcess start(HookServer hooks, int timeoutMs) throws Exception {
        return cleanup.add(ServerProcess.start("""
                [http]
                new_connections_per_ip_per_second = 0
                [hooks]
                on_play = "%s"
                on_stop = "%s"
                timeout_ms = %d
                max_in_flight = %d
                """.formatted(hooks.url("/play"), hooks.url("/stop"), timeoutMs,
                Integer.getInteger("hooks.maxInFlight", 256))));
    }

    @Test
    void shouldLeaveNoThreadOrConnectionBehindAfter1000CallsToAHookThatNeverAnswers() throws Exception {
        HookServer hooks = cleanup.add(HookServer.start(call -> Reply.HANG));
        ServerProcess server = start(hooks, TIMEOUT_MS);
        requestRounds(server, 2 * ROUND, "warm"); // pools and the hook client at their working size
        Await.until("warm-up calls closed", Duration.ofSeconds(10), () -> inFlight(server) == 0);
        server.gc();
        int threadsBefore = server.threads();
        var namesBefore = server.threadNames();
        int fdsBefore = server.fds();

        List<ConcurrentRequests.Answer> answers = requestRounds(server, ATTEMPTS, "hang");

        Map<Integer, Long> statuses = answers.stream()
                .collect(Collectors.groupingBy(ConcurrentRequests.Answer::status, Collectors.counting()));
        assertEquals(Map.of(403, (long) ATTEMPTS), statuses, "every viewer refused (on_failure = refuse)");
        Await.until("every hook call closed", Duration.ofSeconds(10), () -> inFlight(server) == 0);
        // A pool may start one more of its bounded workers under a slower CI machine's scheduling (seen once: 53 ->
        // 54); a thread left per call would show as hundreds, so two of slack still proves nothing is left behind.
        Await.until("threads back to " + threadsBefore + " (+2)", Duration.ofSeconds(10),
                () -> threads(server) <= threadsBefore + 2,
                () -> "threads: " + threads(server) + ", before " + namesBefore + ", now " + threadNames(server));
        Await.until("descriptors back to " + fdsBefore, Duration.ofSeconds(10), () -> fds(server) <= fdsBefore + 2,
                () -> "fds: " + fds(server));
        JsonNode play = hooksBlock(server).path("events").path("play");
        assertEquals(2 * ROUND + ATTEMPTS, play.path("failed").asLong(), play.toString());
        assertTrue(server.isAlive(), server.describe());
        System.out.printf("hook that never answers: %d calls, threads %d -> %d, fds %d -> %d%n", ATTEMPTS,
                threadsBefore, server.threads(), fdsBefore, server.fds());
    }

    @Test
    void shouldAnswer1000ViewersJoiningAtOnceWithA200MsHook() throws Exception {
        HookServer hooks = cleanup.add(HookServer.start(call -> Reply.of(200, "").after(200)));
        // 10 s rather than the default 3 s: on this 2-core machine the test's own 1,000 clients and hook service
        // share the CPU with the server; the JDK client and server alone take about 1 s for 1,000 such calls.
        ServerProcess server = start(hooks, 10_000);
        try (SyntheticPublisher publisher = SyntheticPublisher.small(server.rtmpPort(), "crowd")) {
            Await.until("frames flowing", Duration.ofSeconds(10), () -> publisher.framesSent() > 25);
            ConcurrentRequests.get(server.httpPort(), Collections.nCopies(100, "/live/crowd.flv"), 10_000); // warm
            long startNs = System.nanoTime();
            List<ConcurrentRequests.Answer> answers = ConcurrentRequests.get(server.httpPort(),
                    Collections.nCopies(ATTEMPTS, "/live/crowd.flv"), 30_000);
            long allMs = (System.nanoTime() - startNs) / 1_000_000;
            Histogram latencyUs = new Histogram(60_000_000L, 3);
            answers.forEach(a -> latencyUs.recordValue(Math.max(0, a.latencyNs() / 1_000)));
            Map<Integer, Long> statuses = answers.stream()
                    .collect(Collectors.groupingBy(ConcurrentRequests.Answer::status, Collectors.counting()));
            JsonNode play = hooksBlock(server).path("events").path("play");
            assertEquals(Map.of(200, (long) ATTEMPTS), statuses, "every viewer answered 200; hook " + play
                    + "; answer p50 " + latencyUs.getValueAtPercentile(50) + " µs, max " + latencyUs.getMaxValue()
                    + " µs");
            System.out.printf("1000 HTTP-FLV viewers at once, 200 ms hook: all answered in %d ms; time to answer "
                    + "p50 %d ms, p99 %d ms, max %d ms; hook latency p50 %d µs p99 %d µs%n", allMs,
                    latencyUs.getValueAtPercentile(50) / 1_000, latencyUs.getValueAtPercentile(99) / 1_000,
                    latencyUs.getMaxValue() / 1_000, play.path("latencyUs").path("p50").asLong(),
                    play.path("latencyUs").path("p99").asLong());
            assertTrue(latencyUs.getValueAtPercentile(50) >= 200_000, "the hook's 200 ms is in every answer");
            assertTrue(allMs < 10_000, "all answered in " + allMs + " ms");
        }
    }

    /** {@code count} HTTP-FLV requests in rounds of {@link #ROUND} at once. */
    private static List<ConcurrentRequests.Answer> requestRounds(ServerProcess server, int count, String name)
            throws Exception {
        List<ConcurrentRequests.Answer> all = new java.util.ArrayList<>();
        for (int done = 0; done < count; done += ROUND) {
            int n = Math.min(ROUND, count - done);
            List<String> paths = java.util.stream.IntStream.range(done, done + n)
                    .mapToObj(i -> "/live/" + name + i + ".flv").toList();
            all.addAll(ConcurrentRequests.get(server.httpPort(), paths, 10_000));
        }
        return all;
    }

    private static JsonNode hooksBlock(ServerProcess server) throws Exception {
        return JSON.readTree(RawHttp.get(server.httpPort(), "/api/server", 10_000).body()).path("hooks");
    }

    private static int inFlight(ServerProcess server) {
        try {
            return hooksBlock(server).path("inFlight").asInt(-1);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int threads(ServerProcess server) {
        try {
            return server.threads();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static java.util.SortedMap<String, Integer> threadNames(ServerProcess server) {
        try {
            return server.threadNames();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int fds(ServerProcess server) {
        try {
            return server.fds();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
