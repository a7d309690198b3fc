package io.ringcast.broadcast.stream;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class StreamTest {
    private static final WakeTarget NOBODY = () -> { };
    private final ManualClock clock = new ManualClock(0);
    private final StreamRegistry registry = new StreamRegistry(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, clock);
    private final StreamPath path = StreamPath.parse("live/demo");
    private final PublisherInfo info = new PublisherInfo("test", "127.0.0.1:1", 0);

    private void publishVideo(StreamPublisher p, long rawTs, boolean key) {
        TrackRing ring = p.track(TrackKind.VIDEO);
        long pos = ring.reserve(10);
        p.publish(TrackKind.VIDEO, pos, 10, 5, Codec.AVC, key, false, rawTs, 0, clock.nanoTime());
    }

    /** A stream made as the registry makes one, but on demand (pulled), with no no-media timeout. */
    private Stream onDemandStream(AtomicLong closed) {
        return new Stream(path, EngineConfig.DEFAULTS, RingConfig.DEFAULTS, clock, false, true,
                s -> closed.incrementAndGet(), 10, new AtomicLong(), Long.MAX_VALUE / 4, new AtomicLong(),
                new io.ringcast.broadcast.track.RingMemoryPool());
    }

    /** Waits (with a deadline) until {@code t} waits on a monitor with a timeout: it has read the clock. */
    private static void awaitTimedWaiting(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (t.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() - deadline < 0, "the waiter waits: " + t.getState());
            Thread.onSpinWait();
        }
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r, "stream-test-waiter");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void shouldRefuseASecondPublisherWhileTheFirstKeepsPublishing() {
        StreamPublisher first = registry.publish(path, info, false);
        assertNotNull(first);
        assertNull(registry.publish(path, info, false));
        publishVideo(first, 0, true);
        assertEquals(0, registry.find(path).track(TrackKind.VIDEO).cursor());
        assertEquals(StreamState.PUBLISHING, registry.find(path).state());
    }

    @Test
    void shouldDisconnectAPublisherOnlyOnceItHasReadNothingForTheStaleTime() {
        long staleNs = 3_000_000_000L;
        StreamPublisher first = registry.publish(path, info, false);
        int[] disconnects = {0};
        first.onDisconnect(() -> disconnects[0]++);
        first.readAt(10_000_000_000L);
        Stream stream = registry.find(path);

        assertNull(stream.disconnectStalePublisher(10_000_000_000L + staleNs - 1, staleNs), "alive: never displaced");
        assertEquals(0, disconnects[0]);
        first.readAt(12_000_000_000L);
        assertNull(stream.disconnectStalePublisher(10_000_000_000L + staleNs, staleNs), "a later read keeps it alive");
        assertSame(first, stream.disconnectStalePublisher(12_000_000_000L + staleNs, staleNs));
        assertEquals(1, disconnects[0], "its connection is closed");
        assertEquals(StreamState.PUBLISHING, stream.state(), "its own thread ends the session, not the successor");
        assertNull(registry.publish(path, info, false), "still one writer until that thread has left");
    }

    @Test
    void shouldLetASuccessorPublishOnceTheDisconnectedSessionHasEnded() throws Exception {
        StreamPublisher first = registry.publish(path, info, false);
        first.onDisconnect(first::close); // as a connection thread would, at once
        first.readAt(0);
        Stream stream = registry.find(path);
        assertSame(first, stream.disconnectStalePublisher(5_000_000_000L, 3_000_000_000L));
        assertTrue(stream.awaitPublisherGone(first, 1_000));
        assertNotNull(registry.publish(path, info, false));
    }

    @Test
    void shouldNotDisconnectAPublisherThatCannotBeDisconnected() throws Exception {
        StreamPublisher first = registry.publish(path, info, false);
        first.readAt(0);
        Stream stream = registry.find(path);
        assertNull(stream.disconnectStalePublisher(Long.MAX_VALUE / 2, 1), "no way to close it: keep it");
        assertSame(first, stream.publisher());
    }

    @Test
    void shouldGiveUpWaitingForALingeringSessionWhenTheEngineClockPassesTheTimeout() throws Exception {
        StreamPublisher first = registry.publish(path, info, false);
        Stream stream = registry.find(path);
        CompletableFuture<Boolean> gone = new CompletableFuture<>();
        Thread waiter = start(() -> {
            try {
                gone.complete(stream.awaitPublisherGone(first, 30_000));
            } catch (InterruptedException e) {
                gone.completeExceptionally(e);
            }
        });
        awaitTimedWaiting(waiter);
        clock.advance(Duration.ofMillis(29_999));
        assertFalse(gone.isDone(), "still waiting 1 ms before the timeout");
        clock.advance(Duration.ofMillis(1));
        assertFalse(gone.get(5, TimeUnit.SECONDS), "gives up once the engine clock (not real time) passed 30 s");
        assertSame(first, stream.publisher());
    }

    @Test
    void shouldEndTheWaitAsSoonAsTheSessionEndsWithoutTheClockMoving() throws Exception {
        StreamPublisher first = registry.publish(path, info, false);
        Stream stream = registry.find(path);
        CompletableFuture<Boolean> gone = new CompletableFuture<>();
        Thread waiter = start(() -> {
            try {
                gone.complete(stream.awaitPublisherGone(first, 2_000));
            } catch (InterruptedException e) {
                gone.completeExceptionally(e);
            }
        });
        awaitTimedWaiting(waiter);
        first.close();
        assertTrue(gone.get(5, TimeUnit.SECONDS));
    }

    @Test
    void shouldCloseAnOnDemandStreamAfterTheOnDemandPublishTimeoutNotThePublishTimeout() {
        AtomicLong closed = new AtomicLong();
        Stream stream = onDemandStream(closed);
        Duration timeout = EngineConfig.DEFAULTS.onDemandPublishTimeout();
        assertTrue(timeout.compareTo(EngineConfig.DEFAULTS.publishTimeout()) < 0, "a shorter timeout to tell apart");
        clock.advance(timeout.minusMillis(1));
        assertFalse(stream.pollTimer(clock.nanoTime()));
        assertEquals(StreamState.WAITING_PUBLISHER, stream.state());
        clock.advance(Duration.ofMillis(1));
        assertTrue(stream.pollTimer(clock.nanoTime()));
        assertEquals(StreamState.CLOSED, stream.state());
        assertEquals(1, closed.get());
    }

    @Test
    void shouldCloseAnAutoCloseStreamTheAutoCloseDelayAfterItsLastViewerLeft() {
        StreamPublisher publisher = registry.publish(path, info, true);
        publishVideo(publisher, 0, true);
        Stream stream = registry.find(path);
        assertTrue(stream.addSubscriber("httpflv", NOBODY));
        clock.advance(Duration.ofMinutes(5));
        registry.pollTimers();
        stream.removeSubscriber("httpflv", NOBODY);
        assertEquals(StreamState.WAITING_CLOSE, stream.state());
        Duration delay = EngineConfig.DEFAULTS.autoCloseDelay();
        clock.advance(delay.minusMillis(1));
        registry.pollTimers();
        assertSame(stream, registry.find(path), "lingers for the auto-close delay");
        clock.advance(Duration.ofMillis(1));
        registry.pollTimers();
        assertEquals(StreamState.CLOSED, stream.state());
        assertNull(registry.find(path));
    }

    @Test
    void shouldAcceptANewPublisherAfterTheFirstLeaves() {
        StreamPublisher first = registry.publish(path, info, false);
        first.close();
        assertEquals(StreamState.WAITING_PUBLISHER, registry.find(path).state());
        assertNotNull(registry.publish(path, info, false));
    }

    @Test
    void shouldRebaseTimestampsOfAReturningPublisherSoTheyNeverGoBack() {
        StreamPublisher first = registry.publish(path, info, false);
        publishVideo(first, 0, true);
        publishVideo(first, 5_000, false);
        first.close();
        StreamPublisher second = registry.publish(path, info, false);
        publishVideo(second, 0, true);
        publishVideo(second, 40, false);
        TrackRing ring = registry.find(path).track(TrackKind.VIDEO);
        FrameEvent third = ring.slot(2);
        FrameEvent fourth = ring.slot(3);
        assertEquals(5_001, third.timestampMs());
        assertEquals(5_041, fourth.timestampMs());
    }

    @Test
    void shouldForgetTheStreamWhenItTimesOutWaitingForItsPublisher() {
        StreamPublisher first = registry.publish(path, info, false);
        first.close();
        clock.advance(Duration.ofSeconds(61));
        registry.pollTimers();
        assertNull(registry.find(path));
        assertEquals(0, registry.size());
    }

    @Test
    void shouldCloseWhenTheLastWaitingSubscriberLeaves() {
        StreamPublisher first = registry.publish(path, info, false);
        Stream stream = registry.find(path);
        assertTrue(stream.addSubscriber("httpflv", NOBODY));
        first.close();
        stream.removeSubscriber("httpflv", NOBODY);
        assertTrue(stream.isClosed());
        assertNull(registry.find(path));
    }

    @Test
    void shouldDropDisabledTracks() {
        EngineConfig audioOnly = new EngineConfig(true, false, Duration.ofSeconds(60), Duration.ofSeconds(10),
                false, Duration.ofSeconds(20));
        StreamRegistry r = new StreamRegistry(audioOnly, RingConfig.DEFAULTS, clock);
        StreamPublisher p = r.publish(path, info, false);
        assertNull(p.track(TrackKind.VIDEO));
        assertNotNull(p.track(TrackKind.AUDIO));
    }

    @Test
    void shouldRejectUnsafeStreamPaths() {
        for (String bad : new String[]{"live", "live/", "/x", "live/../x", "live/a/b", "..//x", "live/a b",
            "live/" + "x".repeat(65), "li%2fve/x", "live/x\u0000"}) {
            assertThrows(IllegalArgumentException.class, () -> StreamPath.parse(bad), bad);
        }
        assertEquals(new StreamPath("live", "demo-1_2.x"), StreamPath.parse("live/demo-1_2.x"));
    }

    @Test
    void shouldTellListenersOnceWhenAStreamStartsBeforeItsFirstFrame() {
        java.util.List<String> started = new java.util.ArrayList<>();
        registry.addListener(stream -> started.add(stream.path() + " frames="
                + stream.track(TrackKind.VIDEO).framesPublished()));
        StreamPublisher first = registry.publish(path, info, false);
        publishVideo(first, 0, true);
        first.close();
        registry.publish(path, info, false);
        assertEquals(java.util.List.of("live/demo frames=0"), started, "a reconnect is not a new stream");
    }

    @Test
    void shouldRefuseANewStreamBeyondTheLimitAndKeepTheOthers() {
        StreamRegistry limited = new StreamRegistry(EngineConfig.DEFAULTS, RingConfig.DEFAULTS,
                new io.ringcast.broadcast.LimitsConfig(1, 2), clock);
        StreamPublisher first = limited.publish(path, info, false);
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> limited.publish(StreamPath.parse("live/other"), info, false));
        assertEquals("the server has its maximum of 1 streams", e.getMessage());
        assertEquals(1, limited.publishersRefused());
        publishVideo(first, 0, true);
        assertEquals(StreamState.PUBLISHING, limited.find(path).state(), "the accepted stream carries on");
        first.close();
        assertNotNull(limited.publish(path, info, false), "the existing stream takes its publisher back");
    }

    @Test
    void shouldRefuseAViewerBeyondTheLimitAndKeepTheOthers() {
        StreamRegistry limited = new StreamRegistry(EngineConfig.DEFAULTS, RingConfig.DEFAULTS,
                new io.ringcast.broadcast.LimitsConfig(10, 2), clock);
        limited.publish(path, info, false);
        Stream stream = limited.find(path);
        assertTrue(stream.addSubscriber("httpflv", NOBODY));
        assertTrue(stream.addSubscriber("rtmp", NOBODY));
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> stream.addSubscriber("httpflv", NOBODY));
        assertEquals("live/demo has its maximum of 2 viewers", e.getMessage());
        assertEquals(2, stream.subscriberCount());
        assertEquals(1, limited.viewersRefused());
        stream.removeSubscriber("rtmp", NOBODY);
        assertTrue(stream.addSubscriber("httpflv", NOBODY), "a freed slot is taken again");
    }
}
