package io.ringcast.ingest.relay;

import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamState;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.ingest.upstream.UpstreamException;
import io.ringcast.ingest.upstream.UpstreamUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class PullRelayTest {
    private static final StreamPath PATH = StreamPath.parse("live/x");
    private final RelayTestKit kit = new RelayTestKit();
    private final AtomicInteger ended = new AtomicInteger();

    private PullRelay relay(String... hosts) {
        List<UpstreamUrl> urls = Arrays.stream(hosts).map(h -> UpstreamUrl.parse("rtmp://" + h + "/live/x")).toList();
        kit.pulls.feeding(kit.registry, PATH);
        return new PullRelay("pull:live/x", PATH, "config", urls, null, kit.context(), ended::incrementAndGet);
    }

    /** Runs the relay until it waits for its retry; returns the wait it chose, in ms. */
    private long runRound(PullRelay relay) {
        kit.tasks.runUntilIdle();
        RelayView view = relay.view();
        assertEquals(RelayState.BACKING_OFF, view.state(), "every upstream failed: backing off");
        return view.retryAtEpochMs() - kit.wall.millis();
    }

    private void advanceToRetry(PullRelay relay) {
        long waitMs = relay.view().retryAtEpochMs() - kit.wall.millis();
        kit.advance(Duration.ofMillis(waitMs));
    }

    @Test
    void shouldTryTheNextUpstreamAtOnceWhenOneFails() {
        PullRelay relay = relay("a", "b");
        relay.start();
        kit.tasks.runUntilIdle();

        List<FakePulls.AttemptRecord> attempts = kit.pulls.attempts();
        assertEquals(List.of("a", "b"), kit.pulls.hostsTried());
        assertEquals(attempts.get(0).atNs(), attempts.get(1).atNs(), "the second upstream is tried at once");
        assertEquals(1, kit.tasks.pendingTimers(), "then one retry waits");
    }

    @Test
    void shouldBackOffWithinTheJitteredBoundsAfterEachFullRound() {
        kit.jitter = 0.999_999;
        PullRelay relay = relay("a", "b");
        relay.start();
        List<Long> longest = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            longest.add(runRound(relay));
            advanceToRetry(relay);
        }
        assertEquals(List.of(500L, 1_000L, 2_000L, 4_000L, 4_000L), longest, "doubling, bounded by backoff_max_ms");
        assertEquals(10, kit.pulls.attempts().size(), "two attempts per round");

        RelayTestKit low = new RelayTestKit();
        low.jitter = 0;
        low.pulls.feeding(low.registry, PATH);
        PullRelay lowRelay = new PullRelay("pull:live/x", PATH, "config",
                List.of(UpstreamUrl.parse("rtmp://a/live/x")), null, low.context(), () -> { });
        lowRelay.start();
        List<Long> shortest = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            low.tasks.runUntilIdle();
            long waitMs = lowRelay.view().retryAtEpochMs() - low.wall.millis();
            shortest.add(waitMs);
            low.advance(Duration.ofMillis(waitMs));
        }
        assertEquals(List.of(500L, 500L, 1_000L, 2_000L, 2_000L), shortest,
                "never below half the step's bound, never below backoff_min_ms");
    }

    @Test
    void shouldKeepEveryJitteredWaitWithinItsStepsRange() {
        java.util.Random random = new java.util.Random(13);
        Backoff backoff = new Backoff(500, 4_000, random::nextDouble);
        long[][] bounds = {{500, 500}, {500, 1_000}, {1_000, 2_000}, {2_000, 4_000}, {2_000, 4_000}, {2_000, 4_000}};
        for (int step = 0; step < bounds.length; step++) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < 2_000; i++) {
                long delay = backoff.delayMs(step);
                min = Math.min(min, delay);
                max = Math.max(max, delay);
            }
            assertTrue(min >= bounds[step][0] && max <= bounds[step][1], "step " + step + ": " + min + ".." + max);
            long spread = bounds[step][1] - bounds[step][0];
            assertTrue(min - bounds[step][0] <= spread / 20 && bounds[step][1] - max <= spread / 20,
                    "step " + step + " spreads over its range: " + min + ".." + max);
        }
        assertEquals(4_000, new Backoff(500, 4_000, () -> 0.999_999).delayMs(Integer.MAX_VALUE), "no overflow");
    }

    @Test
    void shouldAttemptNothingBeforeRetryAt() {
        PullRelay relay = relay("a", "b");
        relay.start();
        assertEquals(500, runRound(relay));
        kit.advance(Duration.ofMillis(499));
        kit.tasks.runUntilIdle();
        assertEquals(2, kit.pulls.attempts().size(), "1 ms before retryAt: no attempt");
        assertEquals(RelayState.BACKING_OFF, relay.view().state());

        kit.advance(Duration.ofMillis(1));
        kit.tasks.runUntilIdle();
        assertEquals(List.of("a", "b", "a", "b"), kit.pulls.hostsTried(), "at retryAt: the next round");
    }

    @Test
    void shouldResetTheBackoffAfterAnAttemptWasLiveForAWhile() {
        kit.jitter = 0.999_999;
        PullRelay relay = relay("a", "b");
        relay.start();
        assertEquals(500, runRound(relay));
        advanceToRetry(relay);
        assertEquals(1_000, runRound(relay));
        advanceToRetry(relay);
        kit.pulls.script("a", kit.pulls.liveFor(Duration.ofSeconds(1), "ended early"));
        assertEquals(2_000, runRound(relay), "live for 1 s is not 'working again': the backoff keeps growing");
        advanceToRetry(relay);
        kit.pulls.script("a", kit.pulls.liveFor(Duration.ofSeconds(30), "origin restarted"));
        assertEquals(500, runRound(relay), "live for 30 s: the next wait starts over at backoff_min_ms");
    }

    @Test
    void shouldRotateSoAFailedUpstreamIsNotTriedBeforeTheOthers() {
        kit.pulls.script("b", kit.pulls.liveFor(Duration.ofSeconds(30), "b went away"));
        PullRelay relay = relay("a", "b", "c");
        relay.start();
        kit.tasks.runUntilIdle();
        assertEquals(List.of("a", "b", "c", "a", "b"), kit.pulls.hostsTried(),
                "after b failed: c, then a, then b again, then the backoff");
        assertEquals(RelayState.BACKING_OFF, relay.view().state());
    }

    @Test
    void shouldShowStateUrlReconnectsAndFailureReasonInItsView() {
        List<RelayView> whileLive = new ArrayList<>();
        PullRelay[] self = new PullRelay[1];
        kit.pulls.script("b", (fake, target) -> {
            target.live();
            target.bytesRead(4_096);
            whileLive.add(self[0].view());
            throw new UpstreamException("upstream closed the stream");
        });
        kit.pulls.feeding(kit.registry, PATH);
        self[0] = new PullRelay("pull:live/x", PATH, "api", List.of(UpstreamUrl.parse("rtmp://a/live/x"),
                UpstreamUrl.parse("rtmp://user:secret@b/live/x?key=abc")), null, kit.context(), () -> { });
        self[0].start();
        kit.tasks.runUntilIdle();

        RelayView live = whileLive.get(0);
        assertEquals(RelayState.LIVE, live.state());
        assertEquals("rtmp://***@b/live/x?key=***", live.currentUrl(), "credentials masked");
        assertEquals(1, live.reconnects(), "the second attempt");
        assertEquals("connection refused", live.failure(), "a's failure stays visible while b is live");
        assertEquals(4_096, live.bytes());

        RelayView after = self[0].view();
        assertEquals(RelayState.BACKING_OFF, after.state());
        assertEquals(kit.wall.millis() + 500, after.retryAtEpochMs());
        assertEquals("upstream closed the stream", after.failure());
        assertEquals(List.of("rtmp://a/live/x", "rtmp://***@b/live/x?key=***"), after.urls());
        assertEquals("pull:live/x", after.key());
        assertEquals("pull", after.direction());
        assertEquals("api", after.origin());
        assertFalse(after.toString().contains("secret") || after.toString().contains("abc"), after.toString());
        assertFalse(kit.log.lines().toString().contains("secret"), kit.log.lines().toString());
        Stream stream = kit.registry.find(PATH);
        assertEquals(StreamState.WAITING_PUBLISHER, stream.state(), "the stream waits for the next attempt");
    }

    @Test
    void shouldLogEachChangeOnceAndNotEachRetry() {
        PullRelay relay = relay("a", "b");
        relay.start();
        for (int round = 0; round < 5; round++) {
            runRound(relay);
            advanceToRetry(relay);
        }
        assertEquals(List.of("INFO pull live/x started: config, from rtmp://a/live/x, rtmp://b/live/x",
                "WARN pull live/x: rtmp://a/live/x failed: connection refused",
                "WARN pull live/x: rtmp://b/live/x failed: connection refused",
                "WARN pull live/x backing off: every upstream failed, retrying in 500 ms (and with growing waits up to "
                        + "4000 ms while they fail)"), kit.log.lines(), "five rounds, logged once");

        kit.pulls.script("a", FakePulls.refuse("timed out after 3000 ms"));
        runRound(relay);
        advanceToRetry(relay);
        assertEquals(5, kit.log.lines().size(), "a new reason is logged once: " + kit.log.lines());
        assertEquals("WARN pull live/x: rtmp://a/live/x failed: timed out after 3000 ms", kit.log.lines().get(4));

        kit.pulls.script("a", kit.pulls.liveFor(Duration.ofSeconds(1), "connection refused"));
        runRound(relay);
        List<String> lines = kit.log.lines();
        assertEquals("INFO pull live/x live from rtmp://a/live/x", lines.get(5));
        assertTrue(lines.size() <= 9, "after live: each reason and the backoff once more: " + lines);
    }

    @Test
    void shouldKeepTheStreamAcrossFailoverWithNonDecreasingTimestamps() {
        kit.pulls.script("a", kit.pulls.liveFor(Duration.ofSeconds(1), "a died", 0, 40, 80));
        kit.pulls.script("b", kit.pulls.liveFor(Duration.ofSeconds(1), "b died", 0, 40));
        PullRelay relay = relay("a", "b");
        relay.start();
        kit.tasks.runUntilIdle();

        Stream stream = kit.registry.find(PATH);
        assertNotNull(stream, "the stream waits (PublishTimeout) for the next attempt: viewers stay");
        TrackRing video = stream.track(TrackKind.VIDEO);
        long[] timestamps = new long[(int) video.cursor() + 1];
        for (int i = 0; i < timestamps.length; i++) {
            timestamps[i] = video.slot(i).timestampMs();
        }
        assertEquals(5, timestamps.length, "both upstreams' frames in one ring");
        for (int i = 1; i < timestamps.length; i++) {
            assertTrue(timestamps[i] >= timestamps[i - 1], "non-decreasing: " + Arrays.toString(timestamps));
        }
        assertEquals(2_000, relay.view().bytes(), "bytes of both attempts");
    }

    @Test
    void shouldStopPromptlyWhileBackingOffAndCloseARunningAttempt() {
        PullRelay relay = relay("a");
        relay.start();
        runRound(relay);
        relay.stop("stopped by the API");
        assertEquals(RelayState.STOPPED, relay.view().state());
        assertEquals(0, kit.tasks.pendingTimers(), "the retry is cancelled");
        assertEquals(1, ended.get());
        kit.advance(Duration.ofMinutes(1));
        kit.tasks.runUntilIdle();
        assertEquals(1, kit.pulls.attempts().size(), "nothing after the stop");
        relay.stop("again");
        assertEquals(1, ended.get(), "idempotent");
    }

    @Test
    void shouldCountTheAttemptsAfterTheFirstAsReconnects() {
        PullRelay relay = relay("a", "b");
        relay.start();
        runRound(relay);
        advanceToRetry(relay);
        runRound(relay);
        assertEquals(3, relay.view().reconnects());
    }
}
