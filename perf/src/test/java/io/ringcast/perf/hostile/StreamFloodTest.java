package io.ringcast.perf.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.broadcast.testing.CloseAfterEach;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11, finding 5 (and "done when" 5): with open publishing, 4 loops of 110 connect + publish + close with no
 * media. Before the fix each empty stream took a 17 MiB direct ring and an HLS thread for 60 s, direct memory ran
 * out and a legitimate publish failed. Now a legitimate publish must work, and threads return near their start.
 */
@Tag("hostile")
@Timeout(150)
class StreamFloodTest {
    private static final int LOOPS = 4;
    private static final int PUBLISHES_PER_LOOP = 110;
    /** The report's flood exhausted direct memory in 17 s; streams then lingered for PublishTimeout (60 s). */
    private static final long FLOOD_MAX_MS = 20_000;
    /** "A stream that never sent media closed in seconds": well before the default PublishTimeout of 60 s. */
    private static final Duration SETTLE = Duration.ofSeconds(20);
    private static final Duration LEGIT_RETRY = Duration.ofSeconds(10);

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private ServerProcess server;
    private SyntheticPublisher publisher;


    @Test
    void shouldKeepALegitimatePublishWorkingAndThreadsNearStartAfterFourHundredFortyEmptyPublishes()
            throws Exception {
        server = cleanup.add(ServerProcess.start(""));
        int threadsBefore = server.threads();
        List<StreamFlood> floods = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < LOOPS; i++) {
            StreamFlood flood = new StreamFlood("127.0.0." + (6 + i), server.rtmpPort(), "flood" + i + "-",
                    PUBLISHES_PER_LOOP, FLOOD_MAX_MS);
            floods.add(flood);
            Thread t = new Thread(flood, "stream-flood-" + i);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(FLOOD_MAX_MS + 10_000);
        }
        int threadsAfterFlood = server.threads();
        Map<String, Long> answers = new TreeMap<>();
        floods.forEach(f -> f.answers().forEach((k, v) -> answers.merge(k, v, Long::sum)));
        String figures = LOOPS + " x " + PUBLISHES_PER_LOOP + " empty publishes answered " + answers
                + "; threads " + threadsBefore + " -> " + threadsAfterFlood;
        System.out.println("[hostile] finding 5: " + figures);

        assertTrue(server.isAlive(), figures + "\n" + server.describe());
        long unanswered = answers.entrySet().stream().filter(e -> !e.getKey().startsWith("Net"))
                .mapToLong(Map.Entry::getValue).sum();
        // A user retries a refused publish; the empty streams must be gone within seconds, not after 60 s.
        List<String> legit = new ArrayList<>();
        long deadline = System.nanoTime() + LEGIT_RETRY.toNanos();
        while (publisher == null && System.nanoTime() < deadline) {
            try {
                publisher = cleanup.add(SyntheticPublisher.small(server.rtmpPort(), "legit"));
            } catch (java.io.IOException e) {
                legit.add(e.getMessage());
                Thread.sleep(1_000); // a user's retry interval
            }
        }
        assertTrue(publisher != null, "a legitimate publish within " + LEGIT_RETRY.toSeconds() + " s after the "
                + "flood; answers " + legit + "; " + figures + "\n" + server.logTail());
        Health.assertFlvViewerServed(server, "/live/legit.flv", 5_000);
        Health.assertResponsive(server, "after the flood");
        assertEquals(0, unanswered, "every flood publish got an answer (NetStream.Publish.Start, or a refusal with "
                + "its reason), none a timeout or a dropped connection: " + figures);
        System.out.println("[hostile] finding 5: legitimate publish answered after " + legit.size() + " refusals");

        int limit = threadsBefore + threadsBefore / 10 + 2; // +2: the legitimate publisher and its viewer
        try {
            Health.awaitUntil("threads back within 10 % of " + threadsBefore, SETTLE, () -> {
                try {
                    return server.threads() <= limit;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + server.threads() + " threads; " + figures, e);
        }
        System.out.println("[hostile] finding 5: threads " + server.threads() + " after settling (start "
                + threadsBefore + ")");
    }
}
