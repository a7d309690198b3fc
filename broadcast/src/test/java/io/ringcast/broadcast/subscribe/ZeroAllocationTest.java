package io.ringcast.broadcast.subscribe;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.stream.StreamRegistry;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Measures bytes allocated by this thread on the per-frame paths after warm-up: publish into a ring, and a
 * subscription moving frames to a sink. Both must be zero.
 */
@Timeout(60)
class ZeroAllocationTest {
    private static final int FRAMES = 20_000;
    private static final int ROUNDS = 5;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** Bytes this thread allocated so far, minus what the measurement itself costs. */
    private static long allocatedBytes() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static long measurementOverhead() {
        long a = allocatedBytes();
        long b = allocatedBytes();
        return b - a;
    }

    @Test
    void shouldAllocateNothingPerFrameOnPublishAndFanOut() {
        StreamRegistry registry = new StreamRegistry(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM);
        StreamPublisher publisher = registry.publish(StreamPath.parse("live/alloc"), new PublisherInfo("t", "a", 0),
                false);
        publisher.updateFormat(new TrackFormat(Codec.AVC, new byte[]{0x17, 0, 0, 0, 0}, 5, 0, 0, 0, 0));
        FanoutWorker worker = new FanoutWorker("alloc", NanoClock.SYSTEM);
        CountingSink sink = new CountingSink();
        worker.add(new Subscription(publisher.stream(), "test", sink, RingConfig.DEFAULTS));

        long[] ts = {0};
        Runnable publishOne = () -> {
            TrackKind kind = (ts[0] & 1) == 0 ? TrackKind.VIDEO : TrackKind.AUDIO;
            TrackRing ring = publisher.track(kind);
            int size = kind == TrackKind.VIDEO ? 4_000 : 300;
            long pos = ring.reserve(size);
            ring.payloadBuffer().setMemory(ring.offsetOf(pos), size, (byte) 1);
            publisher.publish(kind, pos, size, 5, kind == TrackKind.VIDEO ? Codec.AVC : Codec.AAC,
                    ts[0] % 60 == 0, false, ts[0], 0, System.nanoTime());
            ts[0]++;
        };
        for (int i = 0; i < FRAMES; i++) {
            publishOne.run();
            worker.doWork(System.nanoTime());
        }
        // Rounds after warm-up; the JIT may still allocate once while it settles (deoptimisation), so the
        // steady state is the last round, and it must allocate exactly nothing.
        long overhead = measurementOverhead();
        long publishBytes = -1;
        long fanoutBytes = -1;
        for (int round = 0; round < ROUNDS; round++) {
            long publishStart = allocatedBytes();
            for (int i = 0; i < FRAMES; i++) {
                publishOne.run();
            }
            publishBytes = allocatedBytes() - publishStart - overhead;
            worker.doWork(System.nanoTime());

            fanoutBytes = 0;
            long sentBefore = sink.frames;
            for (int i = 0; i < FRAMES; i++) {
                publishOne.run();
                long start = allocatedBytes();
                worker.doWork(System.nanoTime());
                fanoutBytes += allocatedBytes() - start - overhead;
            }
            assertEquals(FRAMES, sink.frames - sentBefore, "a subscriber pumped per frame receives every frame");
        }
        assertEquals(0, publishBytes, "bytes allocated publishing " + FRAMES + " frames");
        assertEquals(0, fanoutBytes, "bytes allocated fanning out " + FRAMES + " frames");
    }

    private static final class CountingSink implements FrameSink {
        long frames;

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void writeStart(byte[] metadata, TrackFormat videoFormat, TrackFormat audioFormat) {
        }

        @Override
        public void writeSequenceHeader(TrackFormat format, long timestampMs) {
        }

        @Override
        public void writeFrame(TrackKind kind, FrameEvent frame, DirectBuffer buffer, int offset, int length) {
            frames++;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close(CloseReason reason) {
        }
    }
}
