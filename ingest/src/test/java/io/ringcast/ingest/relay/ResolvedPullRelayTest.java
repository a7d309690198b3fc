package io.ringcast.ingest.relay;

import io.ringcast.broadcast.stream.OnDemandSource;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamState;
import io.ringcast.ingest.upstream.UpstreamUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Pulls whose upstreams an {@link UpstreamResolver} names before every round (the cluster's directory), on a manual
 * clock with queued relay tasks: the resolver is asked at every round, what it names now is pulled, a round it names
 * nothing for fails and waits the pull's own short backoff, and an on-demand stream's pull ends with its stream.
 */
@Timeout(10)
class ResolvedPullRelayTest {
    private static final StreamPath PATH = StreamPath.parse("live/x");
    /** The cluster's waits: 100 ms first, growing to 500 ms at most. */
    private static final long MIN_MS = 100;
    private static final long MAX_MS = 500;
    private final RelayTestKit kit = new RelayTestKit();
    private final AtomicReference<List<String>> holders = new AtomicReference<>(List.of());
    private final AtomicReference<RuntimeException> lookupFailure = new AtomicReference<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private final UpstreamResolver resolver = new UpstreamResolver() {
        @Override
        public List<UpstreamUrl> upstreamsNow() {
            lookups.incrementAndGet();
            RuntimeException failure = lookupFailure.get();
            if (failure != null) {
                throw failure;
            }
            return holders.get().stream().map(h -> UpstreamUrl.parse("http://" + h + "/live/x.flv")).toList();
        }

        @Override
        public String toString() {
            return "the test directory";
        }
    };

    private PullRelay relay() {
        kit.pulls.feeding(kit.registry, PATH);
        return new PullRelay("pull:live/x", PATH, "cluster", resolver, null, kit.context(),
                new Backoff(MIN_MS, MAX_MS, () -> kit.jitter), () -> { });
    }

    private long waitMs(PullRelay relay) {
        RelayView view = relay.view();
        assertEquals(RelayState.BACKING_OFF, view.state(), view.toString());
        return view.retryAtEpochMs() - kit.wall.millis();
    }

    private void advanceToRetry(PullRelay relay) {
        kit.advance(Duration.ofMillis(waitMs(relay)));
        kit.tasks.runUntilIdle();
    }

    @Test
    void shouldPullFromWhatTheResolverNamesNowAtEveryRound() {
        holders.set(List.of("o1"));
        // o1 is live for 30 s, then dies; meanwhile the stream moved to o2. The attempt after a long live period
        // asks again at once and finds it there.
        FakePulls.Behaviour liveThenMoved = kit.pulls.liveFor(Duration.ofSeconds(30), "origin o1 died", 0, 40);
        kit.pulls.script("o1", (fake, target) -> {
            holders.set(List.of("o2"));
            liveThenMoved.run(fake, target);
        });
        kit.pulls.script("o2", kit.pulls.liveFor(Duration.ofSeconds(30), "origin o2 stopped", 0));
        PullRelay relay = relay();
        relay.start();
        kit.tasks.runUntilIdle();

        assertEquals(List.of("o1", "o2", "o2"), kit.pulls.hostsTried(),
                "o1, then at once o2 (asked again after o1's live period), then o2 again after its own");
        assertEquals(3, lookups.get(), "asked once per round");
        assertEquals("http://o2/live/x.flv", relay.view().currentUrl());
        assertEquals(List.of("http://o2/live/x.flv"), relay.view().urls());
    }

    @Test
    void shouldAskAgainAtMostEveryHalfSecondWhileTheDirectoryNamesNothing() {
        kit.jitter = 0.999_999;
        PullRelay relay = relay();
        relay.start();
        kit.tasks.runUntilIdle();
        assertEquals("live/x is not in the directory", relay.view().failure());
        assertEquals("", relay.view().currentUrl(), "no upstream named yet");
        List<Long> waits = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            waits.add(waitMs(relay));
            advanceToRetry(relay);
        }
        assertEquals(List.of(100L, 200L, 400L, 500L, 500L, 500L), waits, "growing, but never beyond 500 ms");
        assertEquals(7, lookups.get(), "one lookup per round");
        assertEquals(List.of(), kit.pulls.attempts(), "no client without an upstream");

        holders.set(List.of("o2"));
        kit.pulls.always("o2", kit.pulls.liveFor(Duration.ofMillis(10), "ended", 0));
        advanceToRetry(relay);
        assertEquals("o2", kit.pulls.hostsTried().get(0), "found within one wait of appearing");
    }

    @Test
    void shouldFailTheRoundWithTheLookupsReasonAndLogItOnce() {
        lookupFailure.set(new IllegalStateException("directory unavailable: connection refused"));
        PullRelay relay = relay();
        relay.start();
        kit.tasks.runUntilIdle();
        advanceToRetry(relay);
        advanceToRetry(relay);

        assertEquals("no upstream: directory unavailable: connection refused", relay.view().failure());
        assertEquals(RelayState.BACKING_OFF, relay.view().state());
        assertEquals(3, relay.view().reconnects() + 1, "three rounds");
        assertEquals(List.of("INFO pull live/x started: cluster, from the test directory",
                "WARN pull live/x: the test directory failed: no upstream: directory unavailable: connection refused",
                "WARN pull live/x backing off: no upstream: directory unavailable: connection refused, asking again "
                        + "in 100 ms (and at most every 500 ms while it fails)"), kit.log.lines(),
                "three rounds, logged once");
    }

    @Test
    void shouldRetryAFailingHolderWithinHalfASecondAndFollowItWhenTheDirectoryMovesIt() {
        kit.jitter = 0.999_999;
        holders.set(List.of("o1"));
        PullRelay relay = relay();
        relay.start();
        kit.tasks.runUntilIdle();
        for (int round = 0; round < 5; round++) {
            assertTrue(waitMs(relay) <= MAX_MS, "wait " + waitMs(relay) + " ms");
            advanceToRetry(relay);
        }
        assertEquals(List.of("o1", "o1", "o1", "o1", "o1", "o1"), kit.pulls.hostsTried(), "refused, asked again");
        holders.set(List.of("o2"));
        kit.pulls.always("o2", kit.pulls.liveFor(Duration.ofMillis(10), "ended", 0));
        advanceToRetry(relay);
        assertEquals("o2", kit.pulls.hostsTried().get(6));
    }

    @Test
    void shouldKeepAnOnDemandStreamWaitingWhileNothingHoldsItUntilItsPublishTimeoutClosesIt() {
        RelayManager manager = new RelayManager(RelayConfig.DEFAULTS, kit.context(),
                new LoopGuard(() -> new InetSocketAddress(1935)));
        Backoff backoff = new Backoff(MIN_MS, MAX_MS, () -> kit.jitter);
        kit.pulls.feeding(kit.registry, PATH);
        Stream stream = kit.registry.demand(PATH, pulledByCluster(manager, backoff));
        kit.tasks.runUntilIdle();
        assertEquals("cluster", manager.relaysOf(PATH).get(0).origin());

        long timeoutMs = io.ringcast.broadcast.EngineConfig.DEFAULTS.onDemandPublishTimeout().toMillis();
        for (long elapsedMs = 0; elapsedMs < timeoutMs - MAX_MS; elapsedMs += MAX_MS) {
            kit.advance(Duration.ofMillis(MAX_MS));
            kit.registry.pollTimers();
            kit.tasks.runUntilIdle();
            assertEquals(StreamState.WAITING_PUBLISHER, stream.state(), "still waiting after " + elapsedMs + " ms");
        }
        int asked = lookups.get();
        assertTrue(asked >= timeoutMs / MAX_MS - 1, "asked every 500 ms at most: " + asked + " lookups");

        kit.advance(Duration.ofMillis(MAX_MS));
        kit.registry.pollTimers();
        kit.tasks.runUntilIdle();
        assertEquals(StreamState.CLOSED, stream.state(), "OnDemandPublishTimeout closes it");
        assertEquals(List.of(), manager.relays());
        RelayView ended = manager.ended().get(0);
        assertEquals(RelayState.FAILED, ended.state());
        assertEquals("live/x is not in the directory", ended.failure());
        int atClose = lookups.get();
        kit.advance(Duration.ofSeconds(5));
        kit.tasks.runUntilIdle();
        assertEquals(atClose, lookups.get(), "no lookup after the stream closed");
        assertEquals(0, kit.tasks.pendingTimers());
    }

    @Test
    void shouldCloseTheStreamWithTheReasonWhenThePathIsPulledAlready() {
        RelayManager manager = new RelayManager(RelayConfig.DEFAULTS, kit.context(),
                new LoopGuard(() -> new InetSocketAddress(1935)));
        Backoff backoff = new Backoff(MIN_MS, MAX_MS, () -> kit.jitter);
        OnDemandSource source = pulledByCluster(manager, backoff);
        Stream first = kit.registry.demand(PATH, source);
        Stream second = kit.registry.demand(StreamPath.parse("other/x"), source);
        manager.pullOnDemand(second, "cluster", resolver, backoff); // a second pull into the same stream
        assertFalse(first.isClosed());
        assertTrue(second.isClosed());
        assertEquals("other/x could not be pulled: other/x is already pulled", second.closeReason());

        manager.close();
        Stream late = kit.registry.demand(StreamPath.parse("late/x"), source);
        assertEquals("late/x could not be pulled: relays are not running", late.closeReason());
    }

    /** Every path, pulled by {@code manager} from wherever {@link #resolver} says (origin "cluster"). */
    private OnDemandSource pulledByCluster(RelayManager manager, Backoff backoff) {
        return new OnDemandSource() {
            @Override
            public boolean supplies(StreamPath path) {
                return true;
            }

            @Override
            public void start(Stream created) {
                manager.pullOnDemand(created, "cluster", resolver, backoff);
            }
        };
    }
}
