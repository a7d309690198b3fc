package io.ringcast.broadcast.stream;

import io.ringcast.broadcast.DirectMemoryBudget;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * On-demand streams in the registry, stepped on a manual clock: created for a viewer in WAITING_PUBLISHER with
 * OnDemandPublishTimeout, their source started once, the Go engine's lifecycle (publish, last viewer, auto-close
 * delay, a viewer cancelling the close, the publisher's failover window), the reasons they close with, and the lease
 * that counts a request-driven (HLS) audience as a subscriber.
 */
@Timeout(20)
class OnDemandStreamTest {
    private static final WakeTarget NOBODY = () -> { };
    private static final Duration ON_DEMAND_TIMEOUT = EngineConfig.DEFAULTS.onDemandPublishTimeout();
    private static final Duration AUTO_CLOSE_DELAY = EngineConfig.DEFAULTS.autoCloseDelay();
    /** Shorter than OnDemandPublishTimeout, as by default (5 s against 20 s). */
    private static final long NO_MEDIA_TIMEOUT_MS = 5_000;
    private static final Duration LEASE = Duration.ofSeconds(6);

    private final ManualClock clock = new ManualClock(0);
    private final StreamRegistry registry = registry(100);
    private final StreamPath path = StreamPath.parse("live/pulled");
    private final PublisherInfo upstream = new PublisherInfo("pull", "10.0.0.1:1935", 0);
    private final TestSource source = new TestSource("live/");

    private StreamRegistry registry(int maxStreams) {
        return new StreamRegistry(EngineConfig.DEFAULTS, RingConfig.DEFAULTS,
                new LimitsConfig(maxStreams, 1_000, 1L << 40, NO_MEDIA_TIMEOUT_MS), new DirectMemoryBudget(1L << 40),
                clock);
    }

    /** Supplies every path under a prefix; records the streams it was asked to deliver and their closes. */
    private static final class TestSource implements OnDemandSource {
        final String prefix;
        final List<Stream> started = new CopyOnWriteArrayList<>();
        final List<String> closed = new CopyOnWriteArrayList<>();
        RuntimeException failure;

        TestSource(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public boolean supplies(StreamPath path) {
            return path.toString().startsWith(prefix);
        }

        @Override
        public void start(Stream stream) {
            if (failure != null) {
                throw failure;
            }
            started.add(stream);
            stream.onClose(() -> closed.add(stream.closeReason()));
        }
    }

    private void advance(Duration step) {
        clock.advance(step);
        registry.pollTimers();
    }

    private void publishKeyframe(StreamPublisher p) {
        TrackRing ring = p.track(TrackKind.VIDEO);
        long pos = ring.reserve(10);
        p.publish(TrackKind.VIDEO, pos, 10, 5, Codec.AVC, true, false, 0, 0, clock.nanoTime());
    }

    /** The source delivers: publishes the stream and a first keyframe. */
    private StreamPublisher deliver(Stream stream) {
        StreamPublisher session = stream.publish(upstream);
        assertNotNull(session, "the source may publish its stream");
        publishKeyframe(session);
        return session;
    }

    @Test
    void shouldCreateAWaitingAutoCloseStreamForTheFirstViewerAndStartItsSourceOnce() {
        registry.addOnDemandSource(source);
        List<Stream> announced = new ArrayList<>();
        registry.addListener(announced::add);

        Stream stream = registry.findOrDemand(path);

        assertNotNull(stream);
        assertEquals(StreamState.WAITING_PUBLISHER, stream.state());
        assertTrue(stream.isOnDemand());
        assertTrue(stream.isAutoClose());
        assertEquals(List.of(stream), source.started);
        assertEquals(List.of(stream), announced, "listeners (HLS) hear of demanded streams too");
        assertSame(stream, registry.findOrDemand(path), "a second viewer gets the same stream");
        assertSame(stream, registry.find(path));
        assertEquals(1, source.started.size(), "started once");
        assertEquals(1, announced.size());
        assertFalse(registry.publish(StreamPath.parse("live/other"), upstream, false).stream().isOnDemand(),
                "a published stream is not on demand");
    }

    @Test
    void shouldAnswerNullWhenNoSourceSuppliesThePath() {
        registry.addOnDemandSource(source);
        assertNull(registry.findOrDemand(StreamPath.parse("other/x")));
        assertFalse(registry.suppliesOnDemand(StreamPath.parse("other/x")));
        assertTrue(registry.suppliesOnDemand(path));
        assertEquals(0, registry.size(), "nothing created");
        registry.removeOnDemandSource(source);
        assertNull(registry.findOrDemand(path));
    }

    @Test
    void shouldAskTheSourcesInTheOrderTheyWereAdded() {
        TestSource first = new TestSource("live/p");
        TestSource second = new TestSource("live/");
        registry.addOnDemandSource(first);
        registry.addOnDemandSource(second);
        registry.findOrDemand(path);
        registry.findOrDemand(StreamPath.parse("live/other"));
        assertEquals(List.of(path), first.started.stream().map(Stream::path).toList());
        assertEquals(List.of(StreamPath.parse("live/other")), second.started.stream().map(Stream::path).toList());
    }

    @Test
    void shouldDeliverThroughAnExplicitSourceEvenIfItIsNotRegistered() {
        Stream stream = registry.demand(path, source);
        assertEquals(List.of(stream), source.started);
        assertTrue(stream.isOnDemand());
        assertSame(stream, registry.demand(path, new TestSource("")), "an existing stream is shared");
    }

    @Test
    void shouldReturnALiveStreamWithoutAskingAnySource() {
        registry.addOnDemandSource(source);
        StreamPublisher local = registry.publish(path, upstream, false);
        assertSame(local.stream(), registry.findOrDemand(path));
        assertTrue(source.started.isEmpty());
    }

    @Test
    void shouldCloseAfterOnDemandPublishTimeoutWhenTheUpstreamNeverDeliversAndSayWhy() {
        registry.addOnDemandSource(source);
        Stream stream = registry.findOrDemand(path);
        assertTrue(stream.addSubscriber("httpflv", NOBODY));

        advance(Duration.ofMillis(NO_MEDIA_TIMEOUT_MS));
        assertEquals(StreamState.WAITING_PUBLISHER, stream.state(),
                "the no-media timeout does not cut the wait for an upstream short");
        advance(ON_DEMAND_TIMEOUT.minusMillis(NO_MEDIA_TIMEOUT_MS + 1));
        assertEquals(StreamState.WAITING_PUBLISHER, stream.state());
        assertNull(stream.closeReason());
        advance(Duration.ofMillis(1));

        assertEquals(StreamState.CLOSED, stream.state());
        assertEquals("live/pulled was not delivered by its upstream within 20 s", stream.closeReason());
        assertEquals(List.of("live/pulled was not delivered by its upstream within 20 s"), source.closed,
                "the source hears of the close (stops its pull)");
        assertNull(registry.find(path));
        assertEquals(0, registry.size());
    }

    @Test
    void shouldWalkTheGoEnginesOnDemandLifecycle() {
        registry.addOnDemandSource(source);
        Stream stream = registry.findOrDemand(path);
        assertTrue(stream.addSubscriber("httpflv", NOBODY));

        StreamPublisher session = deliver(stream);
        assertEquals(StreamState.PUBLISHING, stream.state(), "publish");

        stream.removeSubscriber("httpflv", NOBODY);
        assertEquals(StreamState.WAITING_CLOSE, stream.state(), "last viewer left");
        advance(AUTO_CLOSE_DELAY.minusMillis(1));
        assertEquals(StreamState.WAITING_CLOSE, stream.state());

        assertTrue(stream.addSubscriber("rtmp", NOBODY));
        assertEquals(StreamState.PUBLISHING, stream.state(), "a viewer in WAITING_CLOSE cancels the close");
        advance(AUTO_CLOSE_DELAY.multipliedBy(3));
        assertEquals(StreamState.PUBLISHING, stream.state(), "no close timer runs while publishing");

        session.close();
        assertEquals(StreamState.WAITING_PUBLISHER, stream.state(), "publisher disconnects: failover window");
        assertEquals(1, stream.subscriberCount(), "viewers stay");
        advance(ON_DEMAND_TIMEOUT.minusMillis(1));
        assertEquals(StreamState.WAITING_PUBLISHER, stream.state(), "waits OnDemandPublishTimeout again");
        StreamPublisher second = deliver(stream);
        assertEquals(StreamState.PUBLISHING, stream.state(), "the next upstream delivers in time");

        stream.removeSubscriber("rtmp", NOBODY);
        assertEquals(StreamState.WAITING_CLOSE, stream.state());
        advance(AUTO_CLOSE_DELAY.minusMillis(1));
        assertTrue(source.closed.isEmpty());
        advance(Duration.ofMillis(1));
        assertEquals(StreamState.CLOSED, stream.state(), "AutoCloseDelay after the last viewer left");
        assertEquals(List.of("live/pulled had no viewer for its auto-close delay"), source.closed);
        assertNull(second.stream().publisher(), "the source's session is over");
        assertEquals(0, stream.illegalEvents());
    }

    @Test
    void shouldCloseAfterOnDemandPublishTimeoutWhenThePublisherDisconnectsAndNoUpstreamReturns() {
        registry.addOnDemandSource(source);
        Stream stream = registry.findOrDemand(path);
        assertTrue(stream.addSubscriber("httpflv", NOBODY));
        deliver(stream).close();
        assertEquals(StreamState.WAITING_PUBLISHER, stream.state());
        advance(ON_DEMAND_TIMEOUT.minusMillis(1));
        assertEquals(1, stream.subscriberCount());
        advance(Duration.ofMillis(1));
        assertEquals(StreamState.CLOSED, stream.state());
        assertEquals("live/pulled was not delivered by its upstream within 20 s", stream.closeReason());
    }

    @Test
    void shouldCloseAtOnceWhenTheLastViewerLeavesBeforeTheUpstreamDelivered() {
        registry.addOnDemandSource(source);
        Stream stream = registry.findOrDemand(path);
        assertTrue(stream.addSubscriber("httpflv", NOBODY));
        stream.removeSubscriber("httpflv", NOBODY);
        assertEquals(StreamState.CLOSED, stream.state(), "the diagram: WAITING_PUBLISHER -> CLOSED");
        assertEquals("its last viewer left while live/pulled waited for its publisher", stream.closeReason());
        assertEquals(1, source.closed.size());
    }

    @Test
    void shouldStartTheCloseDelayWhenTheUpstreamDeliversToNobody() {
        registry.addOnDemandSource(source);
        Stream stream = registry.findOrDemand(path); // the viewer never subscribed (refused, gone, HEAD)
        deliver(stream);
        assertEquals(StreamState.WAITING_CLOSE, stream.state(), "not publishing to nobody forever");
        advance(AUTO_CLOSE_DELAY);
        assertEquals(StreamState.CLOSED, stream.state());
    }

    @Test
    void shouldRunTheNoMediaTimeoutFromTheFirstPublishOfAnOnDemandStream() {
        registry.addOnDemandSource(source);
        Stream stream = registry.findOrDemand(path);
        assertTrue(stream.addSubscriber("httpflv", NOBODY));
        advance(Duration.ofSeconds(15));
        assertNotNull(stream.publish(upstream)); // publishes, sends nothing
        advance(Duration.ofMillis(NO_MEDIA_TIMEOUT_MS - 1));
        assertEquals(StreamState.PUBLISHING, stream.state());
        advance(Duration.ofMillis(1));
        assertEquals(StreamState.CLOSED, stream.state());
        assertEquals("live/pulled received no audio or video within 5000 ms", stream.closeReason());
    }

    @Test
    void shouldCarryTheReasonASourceClosesItsStreamWith() {
        registry.addOnDemandSource(source);
        Stream stream = registry.findOrDemand(path);
        stream.close("live/pulled: every upstream failed (connection refused)");
        assertEquals("live/pulled: every upstream failed (connection refused)", stream.closeReason());
        assertEquals(List.of("live/pulled: every upstream failed (connection refused)"), source.closed);
    }

    @Test
    void shouldCloseTheStreamAndPassTheFailureOnWhenTheSourceCannotStart() {
        source.failure = new IllegalStateException("max_pulls reached");
        registry.addOnDemandSource(source);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> registry.findOrDemand(path));
        assertEquals("max_pulls reached", e.getMessage());
        assertNull(registry.find(path));
        assertEquals(0, registry.size());
    }

    @Test
    void shouldRefuseADemandedStreamBeyondMaxStreamsWithoutStartingTheSource() {
        StreamRegistry full = registry(1);
        full.addOnDemandSource(source);
        full.publish(StreamPath.parse("live/published"), upstream, false);
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> full.findOrDemand(path));
        assertTrue(e.getMessage().contains("maximum of 1 streams"), e.getMessage());
        assertTrue(source.started.isEmpty());
        assertEquals(1, full.publishersRefused());
    }

    @Test
    void shouldStartTheSourceExactlyOnceWhenAHundredViewersAskAtTheSameMoment() throws Exception {
        registry.addOnDemandSource(source);
        AtomicInteger announced = new AtomicInteger();
        registry.addListener(s -> announced.incrementAndGet());
        int viewers = 100;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Stream>> asks = new ArrayList<>();
            for (int i = 0; i < viewers; i++) {
                asks.add(pool.submit(() -> {
                    go.await();
                    return registry.findOrDemand(path);
                }));
            }
            go.countDown();
            Stream first = asks.get(0).get(10, TimeUnit.SECONDS);
            for (Future<Stream> ask : asks) {
                assertSame(first, ask.get(10, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, source.started.size());
        assertEquals(1, announced.get());
    }

    @Test
    void shouldCountARequestDrivenAudienceAsOneSubscriberWhileItsLeaseRuns() {
        registry.addOnDemandSource(source);
        Stream stream = registry.findOrDemand(path);
        assertTrue(stream.renewLease("hls", LEASE.toNanos()));
        assertTrue(stream.renewLease("hls", LEASE.toNanos()), "renewing does not count it twice");
        assertEquals(1, stream.subscriberCount());
        assertEquals(Map.of("hls", 1), stream.subscribersByProtocol());
        deliver(stream);
        assertEquals(StreamState.PUBLISHING, stream.state(), "the HLS audience watches");

        for (int i = 0; i < 5; i++) {
            advance(LEASE.minusMillis(1));
            assertTrue(stream.renewLease("hls", LEASE.toNanos()));
        }
        assertEquals(StreamState.PUBLISHING, stream.state(), "requests keep coming: the lease keeps it");
        advance(LEASE.minusMillis(1));
        assertEquals(StreamState.PUBLISHING, stream.state());
        advance(Duration.ofMillis(1));
        assertEquals(StreamState.WAITING_CLOSE, stream.state(), "no request for the lease: the audience left");
        assertEquals(0, stream.subscriberCount());

        assertTrue(stream.renewLease("hls", LEASE.toNanos()));
        assertEquals(StreamState.PUBLISHING, stream.state(), "an HLS request in WAITING_CLOSE cancels the close");
        advance(LEASE);
        assertEquals(StreamState.WAITING_CLOSE, stream.state());
        advance(AUTO_CLOSE_DELAY.minusMillis(1));
        assertEquals(StreamState.WAITING_CLOSE, stream.state());
        advance(Duration.ofMillis(1));
        assertEquals(StreamState.CLOSED, stream.state(), "AutoCloseDelay applies to an HLS-only audience");
        assertFalse(stream.renewLease("hls", LEASE.toNanos()), "a closed stream has no audience");
        assertEquals(Map.of("hls", 0), stream.subscribersByProtocol());
    }

    @Test
    void shouldKeepAConnectedViewerCountedWhenTheLeaseOfAnotherAudienceEnds() {
        registry.addOnDemandSource(source);
        Stream stream = registry.findOrDemand(path);
        assertTrue(stream.renewLease("hls", LEASE.toNanos()));
        assertTrue(stream.addSubscriber("httpflv", NOBODY));
        deliver(stream);
        advance(LEASE);
        assertEquals(Map.of("hls", 0, "httpflv", 1), stream.subscribersByProtocol());
        assertEquals(StreamState.PUBLISHING, stream.state());
    }

    @Test
    void shouldNotLeaseAStreamThatDoesNotCloseForWantOfViewers() {
        StreamPublisher published = registry.publish(path, upstream, false);
        assertFalse(published.stream().renewLease("hls", LEASE.toNanos()));
        assertEquals(0, published.stream().subscriberCount());
    }
}
