package io.ringcast.broadcast.stream;

import io.ringcast.broadcast.DirectMemoryBudget;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.RingMemoryExhaustedException;
import io.ringcast.broadcast.track.RingMemoryPool;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 11, finding 5, in the engine: streams are admitted against the direct memory budget and the stream limit
 * it lowers, their rings are allocated at their first frame only, and a stream that sends no media is closed after
 * the no-media timeout, all on an injected clock.
 */
@Timeout(10)
class StreamAdmissionTest {
    private static final long NO_MEDIA_TIMEOUT_MS = 3_000;
    /** 64 KiB of video and 16 KiB of audio payload per stream. */
    private static final RingConfig SMALL = new RingConfig(64, 64, 64 << 10, 16 << 10, false, 1_000, 5_000);
    private static final long STREAM_RING_BYTES = (64 << 10) + (16 << 10);

    private final ManualClock clock = new ManualClock(0);
    private final PublisherInfo info = new PublisherInfo("test", "127.0.0.1:1", 0);

    private StreamRegistry registry(int maxStreams, long budgetBytes) {
        return new StreamRegistry(EngineConfig.DEFAULTS, SMALL,
                new LimitsConfig(maxStreams, 100, budgetBytes, NO_MEDIA_TIMEOUT_MS),
                new DirectMemoryBudget(budgetBytes), clock);
    }

    private static void publishFrame(StreamPublisher p, TrackKind kind) {
        TrackRing ring = p.track(kind);
        long pos = ring.reserve(10);
        p.publish(kind, pos, 10, 0, kind == TrackKind.VIDEO ? Codec.AVC : Codec.AAC, true, false, 0, 0, 0);
    }

    @Test
    void shouldAllocateNoRingBeforeTheFirstFrameAndOnlyTheRingOfTheTrackThatHasMedia() {
        StreamRegistry registry = registry(10, 10 * STREAM_RING_BYTES);
        StreamPublisher publisher = registry.publish(StreamPath.parse("live/a"), info, false);
        TrackRing video = publisher.track(TrackKind.VIDEO);
        TrackRing audio = publisher.track(TrackKind.AUDIO);
        assertFalse(video.hasMedia());
        assertFalse(audio.hasMedia());
        assertEquals(0, video.payloadBuffer().capacity(), "no direct memory at publish");
        assertFalse(publisher.stream().hasMedia());

        publisher.updateMetadata(new byte[]{1, 2, 3});
        assertFalse(publisher.stream().hasMedia(), "metadata is not media");

        publishFrame(publisher, TrackKind.AUDIO);
        assertTrue(audio.hasMedia());
        assertEquals(16 << 10, audio.payloadBuffer().capacity());
        assertFalse(video.hasMedia(), "an audio-only stream never allocates its video ring");
        assertTrue(publisher.stream().hasMedia());
        assertEquals(0, audio.cursor());
    }

    @Test
    void shouldCloseAStreamThatSentNoMediaWhenTheNoMediaTimeoutExpiresAndGiveItsReservationBack() {
        StreamRegistry registry = registry(10, 10 * STREAM_RING_BYTES);
        StreamPublisher publisher = registry.publish(StreamPath.parse("live/a"), info, false);
        java.util.List<String> closedConnections = new java.util.ArrayList<>();
        publisher.onEndedByServer(closedConnections::add);
        Stream stream = publisher.stream();
        assertEquals(STREAM_RING_BYTES, registry.directMemoryBudget().reservedBytes());

        clock.advance(Duration.ofMillis(NO_MEDIA_TIMEOUT_MS - 1));
        registry.pollTimers();
        assertEquals(StreamState.PUBLISHING, stream.state(), "not before the timeout");

        clock.advance(Duration.ofMillis(1));
        registry.pollTimers();
        assertEquals(StreamState.CLOSED, stream.state());
        assertEquals(java.util.List.of("its stream live/a received no audio or video within 3000 ms"),
                closedConnections, "the silent publisher's connection is closed, with the reason");
        assertEquals(1, registry.closedForNoMedia());
        assertEquals(0, registry.size());
        assertEquals(0, registry.directMemoryBudget().reservedBytes(), "the reservation is given back");
    }

    @Test
    void shouldCloseAnEmptyStreamWhosePublisherLeftAfterTheNoMediaTimeoutNotAfterPublishTimeout() {
        StreamRegistry registry = registry(10, 10 * STREAM_RING_BYTES);
        StreamPublisher publisher = registry.publish(StreamPath.parse("live/a"), info, false);
        Stream stream = publisher.stream();
        publisher.close();
        assertEquals(StreamState.WAITING_PUBLISHER, stream.state());

        clock.advance(Duration.ofMillis(NO_MEDIA_TIMEOUT_MS));
        registry.pollTimers();
        assertEquals(StreamState.CLOSED, stream.state(), "closed after 3 s, not PublishTimeout's 60 s");
        assertEquals(1, registry.closedForNoMedia());
    }

    @Test
    void shouldKeepAStreamThatSentAFrameAndWaitPublishTimeoutForItsPublisherToReturn() {
        StreamRegistry registry = registry(10, 10 * STREAM_RING_BYTES);
        StreamPublisher publisher = registry.publish(StreamPath.parse("live/a"), info, false);
        Stream stream = publisher.stream();
        publishFrame(publisher, TrackKind.VIDEO);
        clock.advance(Duration.ofMillis(NO_MEDIA_TIMEOUT_MS * 10));
        registry.pollTimers();
        assertEquals(StreamState.PUBLISHING, stream.state());

        publisher.close();
        clock.advance(EngineConfig.DEFAULTS.publishTimeout().minusMillis(1));
        registry.pollTimers();
        assertEquals(StreamState.WAITING_PUBLISHER, stream.state(), "a stream that had media waits for its publisher");
        clock.advance(Duration.ofMillis(1));
        registry.pollTimers();
        assertEquals(StreamState.CLOSED, stream.state());
        assertEquals(0, registry.closedForNoMedia());
    }

    @Test
    void shouldLowerMaxStreamsToWhatTheBudgetHoldsAndRefuseBeyondItWithTheReason() {
        StreamRegistry registry = registry(1_000, 3 * STREAM_RING_BYTES + 100);
        assertEquals(3, registry.maxStreams(), "1,000 configured, the budget holds 3");
        StreamPublisher[] publishers = new StreamPublisher[3];
        for (int i = 0; i < 3; i++) {
            publishers[i] = registry.publish(StreamPath.parse("live/s" + i), info, false);
            assertNotNull(publishers[i]);
        }
        LimitExceededException refusal = assertThrows(LimitExceededException.class,
                () -> registry.publish(StreamPath.parse("live/s3"), info, false));
        assertEquals("the server has its maximum of 3 streams (the direct memory budget of 245860 bytes holds the "
                + "rings of 3 streams of 81920 bytes)", refusal.getMessage());
        assertEquals(1, registry.publishersRefused());
        assertEquals(3 * STREAM_RING_BYTES, registry.directMemoryBudget().reservedBytes());

        publishers[0].stream().close();
        assertNotNull(registry.publish(StreamPath.parse("live/s3"), info, false), "a closed stream frees its slot");
        assertEquals(3 * STREAM_RING_BYTES, registry.directMemoryBudget().reservedBytes());
    }

    @Test
    void shouldKeepTheConfiguredMaxStreamsWhenTheBudgetHoldsMore() {
        StreamRegistry registry = registry(1, 10 * STREAM_RING_BYTES);
        assertEquals(1, registry.maxStreams());
        assertNotNull(registry.publish(StreamPath.parse("live/a"), info, false));
        LimitExceededException refusal = assertThrows(LimitExceededException.class,
                () -> registry.publish(StreamPath.parse("live/b"), info, false));
        assertEquals("the server has its maximum of 1 streams", refusal.getMessage());
        assertNull(registry.publish(StreamPath.parse("live/a"), info, false), "an existing stream is no new stream");
        assertEquals(1, registry.publishersRefused());
    }

    @Test
    void shouldDeriveTheBudgetFromTheJvmLimitLessAMargin() {
        assertEquals((1L << 30) - (256L << 20), DirectMemoryBudget.derivedBytes(1L << 30), "25 % of 1 GiB kept back");
        assertEquals((128L << 20) - (64L << 20), DirectMemoryBudget.derivedBytes(128L << 20),
                "at least 64 MiB kept back");
        assertEquals(32L << 20, DirectMemoryBudget.derivedBytes(64L << 20), "never less than half");
        assertEquals(12_345, DirectMemoryBudget.of(12_345).capacityBytes(), "a configured budget is taken as is");
        assertEquals(DirectMemoryBudget.derivedBytes(Runtime.getRuntime().maxMemory()),
                DirectMemoryBudget.of(0).capacityBytes(), "this JVM (no -XX:MaxDirectMemorySize): from the heap");
    }

    @Test
    void shouldReserveNoMoreThanTheCapacity() {
        DirectMemoryBudget budget = new DirectMemoryBudget(100);
        assertTrue(budget.tryReserve(60));
        assertFalse(budget.tryReserve(41));
        assertTrue(budget.tryReserve(40));
        budget.release(60);
        assertEquals(40, budget.reservedBytes());
    }

    @Test
    void shouldRecycleTheRingsOfClosedStreamsSoThatStreamsComingAndGoingAllocateNothingMore() {
        StreamRegistry registry = registry(10, 10 * STREAM_RING_BYTES);
        for (int i = 0; i < 10; i++) {
            StreamPublisher publisher = registry.publish(StreamPath.parse("live/s" + i), info, false);
            publishFrame(publisher, TrackKind.VIDEO);
            publishFrame(publisher, TrackKind.AUDIO);
            assertEquals(0, registry.ringMemory().idleBytes(), "stream " + i + " uses the rings");
            publisher.close();
            clock.advance(EngineConfig.DEFAULTS.publishTimeout());
            registry.pollTimers();
            assertTrue(publisher.stream().isClosed());
            assertEquals(STREAM_RING_BYTES, registry.ringMemory().idleBytes(), "stream " + i + "'s rings are back");
        }
        assertEquals(STREAM_RING_BYTES, registry.ringMemory().allocatedBytes(), "one stream's rings, ten times");
    }

    @Test
    void shouldKeepTheRingsOfAStreamClosedUnderItsPublisherUntilThatPublisherStops() {
        StreamRegistry registry = registry(10, 10 * STREAM_RING_BYTES);
        StreamPublisher publisher = registry.publish(StreamPath.parse("live/a"), info, false);
        publishFrame(publisher, TrackKind.VIDEO);
        publisher.stream().close();
        assertEquals(0, registry.directMemoryBudget().reservedBytes(), "the budget is given back at close");
        assertEquals(0, registry.ringMemory().idleBytes(), "but its thread may still be writing a frame");

        StreamPublisher next = registry.publish(StreamPath.parse("live/b"), info, false);
        publishFrame(next, TrackKind.VIDEO);
        assertEquals(2L << 16, registry.ringMemory().allocatedBytes(), "the next stream got memory of its own");

        publisher.close();
        assertEquals(64 << 10, registry.ringMemory().idleBytes(), "the stopped writer's ring is back");
    }

    @Test
    void shouldCountAndThrowWhenTheJvmHasNoDirectMemoryForARingAtTheFirstFrame() {
        RingMemoryPool failing = new RingMemoryPool(capacity -> {
            throw new OutOfMemoryError("Cannot reserve " + capacity + " bytes of direct buffer memory");
        });
        StreamRegistry registry = new StreamRegistry(EngineConfig.DEFAULTS, SMALL,
                new LimitsConfig(10, 100, 10 * STREAM_RING_BYTES, NO_MEDIA_TIMEOUT_MS),
                new DirectMemoryBudget(10 * STREAM_RING_BYTES), failing, clock);
        StreamPublisher publisher = registry.publish(StreamPath.parse("live/a"), info, false);
        TrackRing video = publisher.track(TrackKind.VIDEO);
        assertThrows(RingMemoryExhaustedException.class, () -> video.reserve(10));
        assertEquals(1, registry.publishersRefusedDirectMemory());
        assertFalse(publisher.stream().hasMedia());
        assertEquals(-1, video.cursor());
    }
}
