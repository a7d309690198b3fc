package io.ringcast.perf.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.broadcast.testing.CloseAfterEach;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11, finding 3 (and "done when" 4): 20 clients with a 4 KB receive buffer request a 3 MB HLS segment and 20
 * more an HTTP-FLV stream, and never read. Every other request must still answer within 1 s: before the fix
 * {@code /api/server}, playlists, pages and new viewers all timed out for as long as the stalled clients stayed.
 */
@Tag("hostile")
@Timeout(120)
class StalledDownloadsTest {
    private static final int STALLED_HLS = 20;
    private static final int STALLED_FLV = 20;
    private static final long WATCH_MS = 6_000;
    private static final long PROBE_PERIOD_MS = 200;

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private ServerProcess server;
    private final List<StalledClient> stalled = new ArrayList<>();

    @Test
    void shouldAnswerEveryOtherRequestWithinOneSecondWhileDownloadsStall() throws Exception {
        server = cleanup.add(ServerProcess.start(""));
        // About 12 Mbit/s with a keyframe every 2 s: each HLS segment holds about 3 MB.
        cleanup.add(SyntheticPublisher.start(server.rtmpPort(), "live", "big", 30, 60, 45_000, 200_000));
        Health.awaitUntil("two HLS segments of live/big", Duration.ofSeconds(20), () -> {
            HlsPlaylist p = HlsPlaylist.fetch(server.httpPort(), "live", "big", 2_000);
            return p != null && p.segmentPaths().size() >= 2;
        });
        HlsPlaylist playlist = HlsPlaylist.fetch(server.httpPort(), "live", "big", 2_000);
        String segment = playlist.segmentPaths().get(playlist.segmentPaths().size() - 1);
        RawHttp.Answer whole = RawHttp.get(server.httpPort(), segment, 10_000);
        assertEquals(200, whole.status(), "the segment itself: " + whole);
        assertTrue(whole.body().length > 2_000_000, "a segment of about 3 MB: " + whole.body().length);

        stalled.addAll(cleanup.addAll(StalledClient.open("127.0.0.3", server.httpPort(), segment, STALLED_HLS)));
        stalled.addAll(cleanup.addAll(StalledClient.open("127.0.0.4", server.httpPort(), "/live/big.flv",
                STALLED_FLV)));

        Map<String, Long> worstMs = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WATCH_MS);
        while (System.nanoTime() < end) {
            probe("/api/server", worstMs, failures);
            probe("/live/big.m3u8", worstMs, failures);
            probe("/", worstMs, failures);
            long start = System.nanoTime();
            try {
                Health.assertFlvViewerServed(server, "/live/big.flv", Health.ANSWER_MS);
            } catch (AssertionError e) {
                failures.add("new HTTP-FLV viewer: " + e.getMessage().lines().findFirst().orElse(""));
            }
            worstMs.merge("new viewer /live/big.flv", (System.nanoTime() - start) / 1_000_000, Math::max);
            Thread.sleep(PROBE_PERIOD_MS); // a few users, not a flood of our own from the healthy address
        }
        System.out.println("[hostile] finding 3: worst answer times with " + STALLED_HLS + " stalled HLS and "
                + STALLED_FLV + " stalled HTTP-FLV downloads: " + worstMs + "; failures " + failures.size());
        assertTrue(failures.isEmpty(), "requests not answered within 1 s while downloads stall: " + failures.size()
                + ", first " + failures.subList(0, Math.min(5, failures.size())) + "; worst " + worstMs);

        StalledClient.closeAll(stalled);
        Health.assertResponsive(server, "after the stalled clients left");
    }

    private void probe(String path, Map<String, Long> worstMs, List<String> failures) {
        RawHttp.Answer a = RawHttp.get(server.httpPort(), path, 2_000);
        worstMs.merge(path, a.elapsedMs(), Math::max);
        if (a.status() != 200 || a.elapsedMs() > Health.ANSWER_MS) {
            failures.add(path + ": " + a);
        }
    }
}
