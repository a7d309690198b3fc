package io.ringcast.broadcast.tap;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.stream.StreamRegistry;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.LiveThreads;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(30)
class StreamTapTest {
    /** Tiny rings so that the producer laps them hundreds of times during a test. */
    private static final RingConfig TINY = new RingConfig(16, 16, 4096, 4096, false, 1_000, 5_000);

    private final StreamRegistry registry = new StreamRegistry(EngineConfig.DEFAULTS, TINY, NanoClock.SYSTEM);
    private final StreamPath path = StreamPath.parse("live/tap");

    private static void publish(StreamPublisher p, TrackKind kind, long n, int size) {
        TrackRing ring = p.track(kind);
        long pos = ring.reserve(size);
        ring.payloadBuffer().setMemory(ring.offsetOf(pos), size, (byte) n);
        ring.payloadBuffer().putLong(ring.offsetOf(pos), n);
        p.publish(kind, pos, size, 0, kind == TrackKind.VIDEO ? Codec.AVC : Codec.AAC, n % 30 == 0, false, n, 0,
                System.nanoTime());
    }

    /** Records every frame; checks its payload is exactly what was published. */
    private static final class Recorder implements TapConsumer {
        final List<Long> numbers = new ArrayList<>();
        final List<Integer> sessions = new ArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);
        volatile String corruption;
        final long slowNanos;

        Recorder(long slowNanos) {
            this.slowNanos = slowNanos;
        }

        @Override
        public void onFrame(TrackKind kind, FrameEvent frame, DirectBuffer payload, int offset, int length) {
            long n = payload.getLong(offset);
            for (int i = 8; i < length; i++) {
                if (payload.getByte(offset + i) != (byte) n) {
                    corruption = "frame " + n + " byte " + i;
                }
            }
            if (n != frame.timestampMs()) {
                corruption = "frame " + n + " has timestamp " + frame.timestampMs();
            }
            synchronized (numbers) {
                numbers.add(n);
            }
            if (slowNanos > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(slowNanos);
            }
        }

        @Override
        public void onNewSession(int session) {
            sessions.add(session);
        }

        @Override
        public void onEnd() {
            ended.countDown();
        }

        int count() {
            synchronized (numbers) {
                return numbers.size();
            }
        }
    }

    @Test
    void shouldSeeEveryFrameInPublishOrderWithIntactPayloadsWhileTheProducerLapsTheRings() throws Exception {
        StreamPublisher publisher = registry.publish(path, new PublisherInfo("t", "a", 0), false);
        Recorder recorder = new Recorder(2_000);
        StreamTap tap = StreamTap.start(publisher.stream(), "test", recorder);
        int frames = 5_000;
        Thread producer = new Thread(() -> {
            for (long n = 0; n < frames; n++) {
                publish(publisher, n % 3 == 0 ? TrackKind.AUDIO : TrackKind.VIDEO, n, n % 3 == 0 ? 200 : 1_500);
            }
        });
        producer.start();
        producer.join(20_000);
        assertFalse(producer.isAlive());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (recorder.count() < frames && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        tap.close();
        assertNull(recorder.corruption, "payloads never overwritten before the tap consumed them");
        assertEquals(frames, recorder.count(), "every frame seen");
        for (int i = 0; i < frames; i++) {
            assertEquals(i, recorder.numbers.get(i), "publish order across both tracks");
        }
        assertEquals(List.of(1), recorder.sessions);
    }

    @Test
    void shouldSignalANewSessionWhenThePublisherReconnects() throws Exception {
        StreamPublisher first = registry.publish(path, new PublisherInfo("t", "a", 0), false);
        Recorder recorder = new Recorder(0);
        StreamTap tap = StreamTap.start(first.stream(), "test", recorder);
        publish(first, TrackKind.VIDEO, 0, 100);
        first.close();
        StreamPublisher second = registry.publish(path, new PublisherInfo("t", "b", 0), false);
        publish(second, TrackKind.VIDEO, 1, 100);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (recorder.count() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        tap.close();
        assertEquals(List.of(1, 2), recorder.sessions);
        assertTrue(recorder.ended.await(5, TimeUnit.SECONDS));
    }

    @Test
    void shouldDetachAFailingConsumerSoThePublisherNeverStalls() throws Exception {
        StreamPublisher publisher = registry.publish(path, new PublisherInfo("t", "a", 0), false);
        CountDownLatch ended = new CountDownLatch(1);
        StreamTap.start(publisher.stream(), "broken", new TapConsumer() {
            @Override
            public void onFrame(TrackKind kind, FrameEvent frame, DirectBuffer payload, int offset, int length) {
                throw new IllegalStateException("disk on fire");
            }

            @Override
            public void onNewSession(int session) {
            }

            @Override
            public void onEnd() {
                ended.countDown();
            }
        });
        publish(publisher, TrackKind.VIDEO, 0, 100);
        assertTrue(ended.await(5, TimeUnit.SECONDS), "tap ended after its consumer threw");
        for (long n = 1; n < 1_000; n++) {
            publish(publisher, TrackKind.VIDEO, n, 1_500);
        }
        assertEquals(999, publisher.track(TrackKind.VIDEO).cursor(), "the publisher went on past many laps");
    }

    @Test
    void shouldEndWhenTheStreamCloses() throws Exception {
        StreamPublisher publisher = registry.publish(path, new PublisherInfo("t", "a", 0), false);
        Recorder recorder = new Recorder(0);
        StreamTap.start(publisher.stream(), "test", recorder);
        publisher.stream().close();
        assertTrue(recorder.ended.await(5, TimeUnit.SECONDS));
    }

    @Test
    void shouldSeeEveryFrameOfTwentyStreamsInOrderOnTwoPooledThreadsWhileTheProducersLapTheRings() throws Exception {
        int streams = 20;
        int frames = 2_000;
        try (TapPool pool = new TapPool("pooled", 2)) {
            List<Recorder> recorders = new ArrayList<>();
            List<Thread> producers = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                StreamPublisher publisher = registry.publish(StreamPath.parse("live/pooled" + s),
                        new PublisherInfo("t", "a", 0), false);
                Recorder recorder = new Recorder(0);
                recorders.add(recorder);
                StreamTap.start(publisher.stream(), "test", recorder, pool);
                producers.add(new Thread(() -> {
                    for (long n = 0; n < frames; n++) {
                        boolean audio = n % 3 == 0;
                        publish(publisher, audio ? TrackKind.AUDIO : TrackKind.VIDEO, n, audio ? 200 : 1_500);
                    }
                }));
            }
            assertEquals(streams, pool.tapCount());
            assertEquals(2, Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("ringcast-pooled-")).count(), "two threads for 20 streams");
            producers.forEach(Thread::start);
            for (Thread producer : producers) {
                producer.join(20_000);
                assertFalse(producer.isAlive());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (recorders.stream().anyMatch(r -> r.count() < frames) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            for (Recorder recorder : recorders) {
                assertNull(recorder.corruption, "payloads never overwritten before the tap consumed them");
                assertEquals(frames, recorder.count(), "every frame seen");
                for (int i = 0; i < frames; i++) {
                    assertEquals(i, recorder.numbers.get(i), "publish order across both tracks");
                }
            }
        }
    }

    /**
     * A pooled worker without taps sleeps without a timer (Thread.State WAITING), so an idle server's tap threads
     * make no wake-ups; the first tap added wakes it and sees every frame, and once the tap ended it sleeps without
     * a timer again.
     */
    @Test
    void shouldSleepWithoutATimerWhileAPooledWorkerHasNoTap() throws Exception {
        String name = "idle" + System.nanoTime();
        try (TapPool pool = new TapPool(name, 1)) {
            Thread thread = LiveThreads.named("ringcast-" + name + "-0");
            Await.until("the idle worker parks without a timeout", Duration.ofSeconds(5),
                    () -> thread.getState() == Thread.State.WAITING, () -> "state " + thread.getState());

            Recorder recorder = new Recorder(0);
            StreamPublisher publisher = registry.publish(StreamPath.parse("live/idle"), new PublisherInfo("t", "a",
                    0), false);
            StreamTap.start(publisher.stream(), "test", recorder, pool);
            for (long n = 0; n < 10; n++) {
                publish(publisher, TrackKind.VIDEO, n, 100);
            }
            Await.until("the woken worker delivers all ten frames", Duration.ofSeconds(5),
                    () -> recorder.count() == 10, () -> "frames " + recorder.count());
            assertNull(recorder.corruption);

            publisher.stream().close();
            assertTrue(recorder.ended.await(5, TimeUnit.SECONDS));
            Await.until("without taps the worker parks without a timeout again", Duration.ofSeconds(5),
                    () -> pool.tapCount() == 0 && thread.getState() == Thread.State.WAITING,
                    () -> "state " + thread.getState());
        }
    }

    @Test
    void shouldEndAPooledTapWhenItsStreamClosesAndTheRestWhenThePoolCloses() throws Exception {
        Recorder closedStream = new Recorder(0);
        Recorder open = new Recorder(0);
        TapPool pool = new TapPool("ending", 1);
        try {
            PublisherInfo info = new PublisherInfo("t", "a", 0);
            StreamPublisher first = registry.publish(StreamPath.parse("live/e1"), info, false);
            StreamPublisher second = registry.publish(StreamPath.parse("live/e2"), info, false);
            StreamTap.start(first.stream(), "test", closedStream, pool);
            StreamTap openTap = StreamTap.start(second.stream(), "test", open, pool);
            first.stream().close();
            assertTrue(closedStream.ended.await(5, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (pool.tapCount() != 1 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(1, pool.tapCount(), "the ended tap left its worker");
            assertEquals(1, open.ended.getCount(), "the other stream's tap runs on");
            pool.close();
            assertEquals(0, open.ended.getCount(), "the pool ended it on its way out");
            assertTrue(openTap.isEnded());
            for (long n = 0; n < 100; n++) {
                publish(second, TrackKind.VIDEO, n, 1_500);
            }
            assertEquals(99, second.track(TrackKind.VIDEO).cursor(), "no gating sequence left: the producer laps on");
        } finally {
            pool.close();
        }
    }

    @Test
    void shouldAllocateNothingPerFrameOnAPooledWorkerAfterWarmUp() throws Exception {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long[] seen = new long[1];
        TapConsumer counter = new TapConsumer() {
            @Override
            public void onFrame(TrackKind kind, FrameEvent frame, DirectBuffer payload, int offset, int length) {
                seen[0] += payload.getByte(offset);
            }

            @Override
            public void onNewSession(int session) {
            }

            @Override
            public void onEnd() {
            }
        };
        try (TapPool pool = new TapPool("alloc", 1)) {
            StreamPublisher publisher = registry.publish(StreamPath.parse("live/alloc"),
                    new PublisherInfo("t", "a", 0), false);
            StreamTap.start(publisher.stream(), "test", counter, pool);
            Thread worker = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("ringcast-alloc-0")).findFirst().orElseThrow();
            long frames = 0;
            long allocated = -1;
            for (int round = 0; round < 5; round++) {
                long before = threads.getThreadAllocatedBytes(worker.getId());
                for (int i = 0; i < 20_000; i++) {
                    publish(publisher, i % 3 == 0 ? TrackKind.AUDIO : TrackKind.VIDEO, frames++, 300);
                }
                long published = frames;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (publisher.stream().track(TrackKind.VIDEO).ringBuffer().getMinimumGatingSequence()
                        + publisher.stream().track(TrackKind.AUDIO).ringBuffer().getMinimumGatingSequence() + 2
                        < published && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                allocated = threads.getThreadAllocatedBytes(worker.getId()) - before;
            }
            assertEquals(0, allocated, "bytes the pooled worker allocated for 20,000 frames, after warm-up");
        }
    }
}
