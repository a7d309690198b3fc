package io.ringcast.broadcast.subscribe;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.stream.StreamRegistry;
import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class SubscriptionTest {
    private static final TrackFormat AVC = new TrackFormat(Codec.AVC, new byte[]{0x17, 0, 0, 0, 0, 1}, 5, 64, 48,
            0, 0);
    private static final TrackFormat AAC = new TrackFormat(Codec.AAC, new byte[]{(byte) 0xAF, 0, 0x12, 0x10}, 2, 0,
            0, 44100, 2);

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private RingConfig rings = new RingConfig(64, 64, 1 << 16, 1 << 14, false, 1_000, 5_000);
    private StreamRegistry registry;
    private StreamPublisher publisher;
    private Stream stream;
    private FanoutWorker worker;
    private Subscription lastAdded;

    @BeforeEach
    void setUp() {
        registry = new StreamRegistry(EngineConfig.DEFAULTS, rings, clock);
        publisher = registry.publish(StreamPath.parse("live/x"), new PublisherInfo("t", "a", 0), false);
        stream = publisher.stream();
        publisher.updateMetadata(new byte[]{2, 0, 10});
        publisher.updateFormat(AVC);
        publisher.updateFormat(AAC);
        worker = new FanoutWorker("test", clock);
    }

    private void video(long ts, boolean key, int size) {
        frame(TrackKind.VIDEO, Codec.AVC, ts, key, size);
    }

    private void audio(long ts) {
        frame(TrackKind.AUDIO, Codec.AAC, ts, false, 20);
    }

    private void frame(TrackKind kind, Codec codec, long ts, boolean key, int size) {
        TrackRing ring = publisher.track(kind);
        long pos = ring.reserve(size);
        ring.payloadBuffer().setMemory(ring.offsetOf(pos), size, (byte) ts);
        publisher.publish(kind, pos, size, 5, codec, key, false, ts, 0, clock.nanoTime());
    }

    private RecordingSink subscribe() {
        RecordingSink sink = new RecordingSink();
        lastAdded = new Subscription(stream, "test", sink, rings);
        assertTrue(worker.add(lastAdded));
        return sink;
    }

    @Test
    void shouldSendMetadataAndSequenceHeadersThenStartAtTheNewestKeyframeInStep() {
        video(0, true, 100);
        audio(10);
        video(33, false, 50);
        video(66, true, 100);
        audio(70);
        video(99, false, 50);
        RecordingSink sink = subscribe();
        worker.doWork(clock.nanoTime());
        assertEquals(List.of("start meta=3 video=true audio=true", "VIDEO 66 key byte=66", "AUDIO 70 byte=70",
                "VIDEO 99 byte=99"), sink.events);
        assertEquals(1, stream.subscriberCount());
    }

    @Test
    void shouldLeaveNothingOfALeavingViewerBehindInItsLongLivedStream() {
        video(0, true, 100);
        int before = stream.closeListenerCount();
        for (int i = 0; i < 1_000; i++) {
            RecordingSink sink = subscribe();
            worker.doWork(clock.nanoTime());
            lastAdded.requestClose(CloseReason.VIEWER_LEFT);
            worker.doWork(clock.nanoTime());
            assertEquals(CloseReason.VIEWER_LEFT, sink.closed);
        }
        assertEquals(0, stream.subscriberCount());
        assertEquals(before, stream.closeListenerCount(), "each viewer's close action removed when it left");
        assertEquals(List.of(), stream.subscribers(), "each viewer unlisted when it left");
        assertEquals(0, worker.subscriptionCount());
    }

    @Test
    void shouldCountTheBytesSentPerTrackAndListTheViewerInItsStreamWhileItWatches() {
        video(0, true, 100);
        audio(10);
        video(33, false, 50);
        subscribe();
        Subscription first = lastAdded;
        worker.doWork(clock.nanoTime());
        assertEquals(150, first.videoBytesSent(), "payload bytes of the keyframe and the frame after it");
        assertEquals(20, first.audioBytesSent());
        subscribe();
        Subscription second = lastAdded;
        worker.doWork(clock.nanoTime());
        assertEquals(List.of(first, second), stream.subscribers(), "listed in arrival order");

        first.sampleRates(clock.nanoTime());
        assertEquals(0.0, first.videoBitsPerSecond(), "no rate before a second sample");
        clock.advance(Duration.ofMillis(500));
        video(66, false, 1_000);
        audio(70);
        worker.doWork(clock.nanoTime());
        first.sampleRates(clock.nanoTime());
        assertEquals(1_000 * 8 / 0.5, first.videoBitsPerSecond(), 1e-6);
        assertEquals(20 * 8 / 0.5, first.audioBitsPerSecond(), 1e-6);
        assertEquals(1_150, first.videoBytesSent());
        assertEquals(1_150, second.videoBytesSent(), "each viewer counts its own");

        first.requestClose(CloseReason.VIEWER_LEFT);
        worker.doWork(clock.nanoTime());
        assertEquals(List.of(second), stream.subscribers());
        assertEquals("test", stream.subscribers().get(0).protocol());
    }

    @Test
    void shouldWaitForTheFirstKeyframeWhenConfiguredToStartAtTheNextOne() {
        rings = new RingConfig(64, 64, 1 << 16, 1 << 14, true, 1_000, 5_000);
        video(0, true, 100);
        video(33, false, 50);
        RecordingSink sink = subscribe();
        worker.doWork(clock.nanoTime());
        video(66, false, 50);
        audio(70);
        video(99, true, 100);
        worker.doWork(clock.nanoTime());
        assertEquals(List.of("AUDIO 70 byte=70", "VIDEO 99 key byte=99"), sink.frames());
    }

    @Test
    void shouldInterleaveTracksInPublishOrder() {
        video(0, true, 100);
        RecordingSink sink = subscribe();
        worker.doWork(clock.nanoTime());
        for (int i = 1; i <= 5; i++) {
            audio(i * 20 - 5);
            video(i * 20L, false, 30);
        }
        worker.doWork(clock.nanoTime());
        List<Long> ts = sink.timestamps;
        assertEquals(11, ts.size());
        for (int i = 1; i < ts.size(); i++) {
            assertTrue(ts.get(i) >= ts.get(i - 1), "publish order kept: " + ts);
        }
    }

    @Test
    void shouldSkipALappedSubscriberToTheNewestKeyframeAndCountIt() {
        video(0, true, 100);
        RecordingSink sink = subscribe();
        worker.doWork(clock.nanoTime());
        sink.ready = false;
        for (int i = 1; i <= 100; i++) {
            video(i, i % 30 == 0, 100);
        }
        worker.doWork(clock.nanoTime());
        sink.ready = true;
        lastAdded.requestPump(); // a sink that said "not ready" asks for a pump when it can write again
        worker.doWork(clock.nanoTime());
        List<String> frames = sink.frames();
        assertEquals("VIDEO 0 key byte=0", frames.get(0));
        assertEquals("VIDEO 90 key byte=90", frames.get(1), "skipped to the newest keyframe");
        assertEquals(1 + 11, frames.size(), "the first keyframe, then 90..100");
        assertTrue(sink.events.contains("config AVC"), "configuration re-sent after the skip");
        assertTrue(stream.framesSkipped() >= 89, "skipped " + stream.framesSkipped());
        assertNull(sink.closed);
    }

    @Test
    void shouldNotLetAStalledViewerCostAHealthyViewerAnyFrame() {
        video(0, true, 100);
        RecordingSink stalled = subscribe();
        RecordingSink healthy = subscribe();
        worker.doWork(clock.nanoTime());
        stalled.ready = false;
        for (int i = 1; i <= 1_000; i++) {
            video(i, i % 30 == 0, 300);
            if (i % 5 == 0) {
                audio(i);
            }
            clock.advance(Duration.ofMillis(6));
            worker.doWork(clock.nanoTime());
        }
        assertEquals(1 + 1_000 + 200, healthy.frames().size());
        assertNull(healthy.closed);
        assertEquals(CloseReason.TOO_SLOW, stalled.closed, "blocked for 6 s, over the 5 s disconnect lag");
        assertEquals(1, stream.subscriberCount());
    }

    @Test
    void shouldDisconnectAViewerThatCannotBeWrittenForTheDisconnectLag() {
        video(0, true, 100);
        RecordingSink sink = subscribe();
        worker.doWork(clock.nanoTime());
        sink.ready = false;
        video(33, false, 10);
        worker.doWork(clock.nanoTime());
        clock.advance(Duration.ofSeconds(5));
        worker.doWork(clock.nanoTime());
        assertNull(sink.closed);
        clock.advance(Duration.ofMillis(1));
        worker.doWork(clock.nanoTime());
        assertEquals(CloseReason.TOO_SLOW, sink.closed);
        assertEquals(1, stream.subscribersDisconnectedForLag());
        assertEquals(0, stream.subscriberCount());
    }

    @Test
    void shouldEndSubscriptionsWhenTheStreamCloses() {
        video(0, true, 100);
        RecordingSink sink = subscribe();
        worker.doWork(clock.nanoTime());
        stream.close();
        worker.doWork(clock.nanoTime());
        assertEquals(CloseReason.STREAM_CLOSED, sink.closed);
    }

    @Test
    void shouldKeepViewersAcrossAPublisherReconnectWithNonDecreasingTimestamps() {
        video(0, true, 100);
        RecordingSink sink = subscribe();
        video(1_000, false, 50);
        publisher.close();
        worker.doWork(clock.nanoTime());
        assertNull(sink.closed);
        publisher = registry.publish(stream.path(), new PublisherInfo("t", "b", 0), false);
        assertNotNull(publisher);
        video(0, true, 100);
        video(40, false, 50);
        worker.doWork(clock.nanoTime());
        assertEquals(List.of(0L, 1_000L, 1_001L, 1_041L), sink.timestamps);
    }

    @Test
    void shouldStartAudioOnlyStreamsAtTheNewestAudioFrame() {
        publisher.close();
        rings = RingConfig.DEFAULTS;
        registry = new StreamRegistry(EngineConfig.DEFAULTS, rings, clock);
        publisher = registry.publish(StreamPath.parse("live/a"), new PublisherInfo("t", "a", 0), false);
        stream = publisher.stream();
        publisher.updateFormat(AAC);
        audio(0);
        audio(23);
        RecordingSink sink = subscribe();
        worker.doWork(clock.nanoTime());
        audio(46);
        worker.doWork(clock.nanoTime());
        assertEquals("start meta=0 video=false audio=true", sink.events.get(0));
        assertEquals(List.of("AUDIO 23 byte=23", "AUDIO 46 byte=46"), sink.frames());
    }

    @Test
    void shouldSkipRatherThanWriteAFrameFromTheOlderHalfOfThePayloadRing() {
        video(0, true, 100);
        RecordingSink sink = subscribe();
        worker.doWork(clock.nanoTime());
        sink.ready = false;
        // 6 frames of 10 KB in a 64 KB video ring: frame 1 ends up in the older half, not yet overwritten.
        for (int i = 1; i <= 6; i++) {
            video(i, i == 6, 10_000);
        }
        sink.ready = true;
        lastAdded.requestPump();
        worker.doWork(clock.nanoTime());
        assertEquals(List.of("VIDEO 0 key byte=0", "VIDEO 6 key byte=6"), sink.frames(),
                "frames 1..5 lie where the producer could reach them during a write: skipped to the keyframe");
        assertEquals(5, stream.framesSkipped());
        assertNull(sink.closed);
    }

    @Test
    void shouldCutAndCountAViewerWhoseFrameThePublisherOverwroteWhileItWasWritten() {
        video(0, true, 100);
        RecordingSink sink = new RecordingSink() {
            @Override
            public void writeFrame(TrackKind kind, io.ringcast.broadcast.track.FrameEvent frame,
                                   org.agrona.DirectBuffer buffer, int offset, int length) {
                super.writeFrame(kind, frame, buffer, offset, length);
                if (frame.timestampMs() == 1) {
                    // The producer laps the ring while the socket write of frame 1 is still going on.
                    for (int i = 2; i <= 8; i++) {
                        video(i, false, 10_000);
                    }
                }
            }
        };
        assertTrue(worker.add(new Subscription(stream, "test", sink, rings)));
        worker.doWork(clock.nanoTime());
        video(1, false, 100);
        worker.doWork(clock.nanoTime());
        assertEquals(CloseReason.OVERWRITTEN_MID_WRITE, sink.closed);
        assertEquals(1, stream.subscribersCutOverwrittenMidWrite());
        assertEquals(List.of(0L, 1L), sink.timestamps, "nothing after the torn frame");
        assertEquals(0, stream.subscriberCount());
    }

    @Test
    void shouldLetTheWorkerSleepWhileTheSinkIsBlockedUntilItAsksForAPump() {
        video(0, true, 100);
        RecordingSink sink = subscribe();
        worker.doWork(clock.nanoTime());
        Subscription subscription = lastAdded;
        sink.ready = false;
        video(33, false, 10);
        assertTrue(worker.hasWorkWaiting(), "a frame woke the worker");
        worker.doWork(clock.nanoTime());
        assertFalse(worker.hasWorkWaiting(), "blocked sink: nothing to do until it becomes writable");
        sink.ready = true;
        subscription.requestPump();
        assertTrue(worker.hasWorkWaiting());
        worker.doWork(clock.nanoTime());
        assertFalse(worker.hasWorkWaiting());
        assertEquals(List.of("VIDEO 0 key byte=0", "VIDEO 33 byte=33"), sink.frames());
    }

    @Test
    void shouldHaveTheWorkerPassAgainWhenAViewerStoppedAtItsBatchBound() {
        video(0, true, 100);
        RecordingSink sink = subscribe();
        worker.doWork(clock.nanoTime());
        for (long i = 1; i <= 40; i++) {
            video(i * 2, false, 100);
            audio(i * 2 + 1);
        }
        worker.doWork(clock.nanoTime());
        assertEquals(1 + 64, sink.frames().size(), "the keyframe, then one batch of 64");
        assertTrue(worker.hasWorkWaiting(), "16 frames left: no wake will come for them");
        worker.doWork(clock.nanoTime());
        assertEquals(1 + 80, sink.frames().size());
        assertFalse(worker.hasWorkWaiting());
    }

    @Test
    void shouldCloseOnlyTheViewerWhoseSinkThrows() {
        video(0, true, 100);
        RecordingSink healthy = subscribe();
        RecordingSink broken = new RecordingSink() {
            @Override
            public void writeFrame(TrackKind kind, io.ringcast.broadcast.track.FrameEvent frame,
                                   org.agrona.DirectBuffer buffer, int offset, int length) {
                throw new IllegalStateException("container gave up");
            }
        };
        assertTrue(worker.add(new Subscription(stream, "test", broken, rings)));
        worker.doWork(clock.nanoTime());
        video(33, false, 10);
        worker.doWork(clock.nanoTime());
        assertEquals(CloseReason.WRITE_FAILED, broken.closed);
        assertNull(healthy.closed);
        assertEquals(2, healthy.frames().size());
        assertEquals(1, stream.subscriberCount());
    }

    @Test
    void shouldDisconnectAViewerThatNeverBecomesWritableBeforeItsStart() {
        video(0, true, 100);
        RecordingSink sink = new RecordingSink();
        sink.ready = false;
        assertTrue(worker.add(new Subscription(stream, "test", sink, rings)));
        worker.doWork(clock.nanoTime());
        clock.advance(Duration.ofMillis(5_001));
        worker.doWork(clock.nanoTime());
        assertEquals(CloseReason.TOO_SLOW, sink.closed);
        assertEquals(List.of(), sink.events);
    }

    @Test
    void shouldRecordLatencyOnTheStreamClockFromIngestToWriteAndSkipTheBurstFromBeforeTheJoin() {
        video(0, true, 100); // ingested before the viewer joined: sent at once, old by design
        clock.advance(Duration.ofMillis(1));
        RecordingSink sink = subscribe();
        clock.advance(Duration.ofMillis(500));
        worker.doWork(clock.nanoTime());
        assertEquals(List.of("VIDEO 0 key byte=0"), sink.frames());
        assertEquals(0, stream.latency("test").sampleInterval().getTotalCount(), "the join burst is not latency");

        video(33, false, 50);
        clock.advance(Duration.ofMillis(7));
        worker.doWork(clock.nanoTime());
        org.HdrHistogram.Histogram latency = stream.latency("test").sampleInterval();
        assertEquals(1, latency.getTotalCount());
        assertTrue(latency.valuesAreEquivalent(Duration.ofMillis(7).toNanos(), latency.getMaxValue()),
                "write minus ingest on the one clock: " + latency.getMaxValue() + " ns");
    }

    @Test
    void shouldSkipAViewerBehindByTheSkipLagToTheNewestKeyframeOnTheWorkerClock() {
        video(0, true, 100);
        RecordingSink sink = subscribe();
        worker.doWork(clock.nanoTime());
        video(33, false, 50);
        video(66, false, 50);
        clock.advance(Duration.ofMillis(1_001)); // the skip lag is 1 s: frames 33 and 66 are too old now
        video(99, true, 100);
        video(120, false, 50);
        worker.doWork(clock.nanoTime());
        assertEquals(List.of("VIDEO 0 key byte=0", "VIDEO 99 key byte=99", "VIDEO 120 byte=120"), sink.frames());
        assertEquals(2, stream.framesSkipped(), "33 and 66 skipped");
        assertTrue(sink.events.contains("config AVC"), "configuration re-sent after the skip");
        assertNull(sink.closed);
    }

    @Test
    void shouldSendOldFramesWhenNoNewerKeyframeIsThereToSkipTo() {
        video(0, true, 100);
        RecordingSink sink = subscribe();
        worker.doWork(clock.nanoTime());
        video(33, false, 50);
        clock.advance(Duration.ofMillis(1_500));
        worker.doWork(clock.nanoTime());
        assertEquals(List.of("VIDEO 0 key byte=0", "VIDEO 33 byte=33"), sink.frames());
        assertEquals(0, stream.framesSkipped());
    }

}
