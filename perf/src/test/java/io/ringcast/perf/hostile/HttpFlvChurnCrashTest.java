package io.ringcast.perf.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11, finding 1: two loops from one address, each opening {@code GET /live/x.flv} on a live stream and
 * closing at once, 10,000 times, at the default limits (so the per-address refusal path runs), against a server
 * with glibc's heap checks on. Before the fix the JVM died of heap corruption within seconds.
 */
@Tag("hostile")
@Timeout(180)
class HttpFlvChurnCrashTest {
    private static final int CHURN_PER_LOOP = 10_000;
    private static final long CHURN_MAX_MS = 60_000;
    private static final String CHURN_ADDRESS = "127.0.0.2";

    private ServerProcess server;
    private SyntheticPublisher publisher;

    @AfterEach
    void stop() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldSurviveTwoLoopsOfTenThousandHttpFlvViewersClosingAtOnceWithRefusals() throws Exception {
        server = ServerProcess.start(ServerProcess.DEFAULT_LISTENERS);
        // About 3 Mbit/s, as the ffmpeg stream of the report: the server is mid-write to most viewers when they go.
        publisher = SyntheticPublisher.start(server.rtmpPort(), "live", "x", 30, 60, 12_000, 120_000);
        Health.assertFlvViewerServed(server, "/live/x.flv", 5_000);
        long refusalsBefore = Health.refusalsReported(server);

        List<HttpFlvChurn> loops = List.of(
                new HttpFlvChurn(CHURN_ADDRESS, server.httpPort(), "/live/x.flv", CHURN_PER_LOOP, CHURN_MAX_MS, false),
                new HttpFlvChurn(CHURN_ADDRESS, server.httpPort(), "/live/x.flv", CHURN_PER_LOOP, CHURN_MAX_MS, true));
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (HttpFlvChurn loop : loops) {
            Thread t = new Thread(loop, "churn");
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(CHURN_MAX_MS + 10_000);
        }
        long churnMs = (System.nanoTime() - start) / 1_000_000;

        String figures = "churn " + churnMs + " ms; " + loops;
        System.out.println("[hostile] finding 1: " + figures);
        assertTrue(server.isAlive(), "the server died during the churn: " + figures + "\n" + server.describe());
        Health.assertResponsive(server, "after the churn (" + figures + ")");
        Health.assertFlvViewerServed(server, "/live/x.flv", 1_000);
        long refusals = Math.max(Health.refusalsReported(server) - refusalsBefore, loops.get(1).refused());
        System.out.println("[hostile] finding 1: refusals seen by the client or counted by the server: " + refusals);
        assertTrue(refusals > 0, "the churn ran into the per-address limit at least once (else it did not test the "
                + "refusal path): " + figures);
        assertTrue(loops.get(0).opened() + loops.get(1).opened() >= CHURN_PER_LOOP, "the churn ran: " + figures);
        assertTrue(publisher.failure() == null, "the publisher kept going: " + publisher.failure());
    }
}
