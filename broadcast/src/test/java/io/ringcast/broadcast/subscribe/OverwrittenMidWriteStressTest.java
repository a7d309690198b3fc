package io.ringcast.broadcast.subscribe;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.Stream;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Egress writes frames straight from the payload ring while the producer keeps writing it: a publisher thread fills
 * a small ring as fast as it can while viewers on a fan-out thread "write" each frame slowly (a byte at a time, as
 * a socket copy that got descheduled would). Every frame carries its number in every 4 bytes. A batch of frames
 * counts as delivered once the subscription came back after its flush (it validated the bytes after the write); a
 * batch after which the viewer was cut for {@link CloseReason#OVERWRITTEN_MID_WRITE} does not. No delivered frame
 * may be torn.
 */
@Timeout(60)
class OverwrittenMidWriteStressTest {
    private static final TrackFormat AVC = new TrackFormat(Codec.AVC, new byte[]{0x17, 0, 0, 0, 0, 1}, 5, 64, 48,
            0, 0);
    private static final int FRAMES = 300_000;
    private static final int VIEWERS = 6;
    private static final int MAX_FRAME_BYTES = 8 * 1024;
    private static final int KEYFRAME_INTERVAL = 8;

    private final RingConfig rings = new RingConfig(64, 64, 64 * 1024, 16 * 1024, false, 60_000, 120_000);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong tornDelivered = new AtomicLong();
    private final AtomicLong tornCaught = new AtomicLong();
    private final AtomicLong cuts = new AtomicLong();

    @Test
    void shouldNeverDeliverATornFrameWhileThePublisherLapsViewersThatWriteSlowly() throws Exception {
        StreamRegistry registry = new StreamRegistry(EngineConfig.DEFAULTS, rings, NanoClock.SYSTEM);
        StreamPublisher publisher = registry.publish(StreamPath.parse("live/stress"), new PublisherInfo("t", "a", 0),
                false);
        Stream stream = publisher.stream();
        publisher.updateFormat(AVC);
        publish(publisher, 0, MAX_FRAME_BYTES);
        FanoutWorker worker = new FanoutWorker("stress-fanout", NanoClock.SYSTEM);
        worker.start();
        List<VerifyingSink> sinks = new ArrayList<>();
        for (int i = 0; i < VIEWERS; i++) {
            sinks.add(subscribe(worker, stream));
        }
        Thread producer = new Thread(() -> {
            SplittableRandom random = new SplittableRandom(42);
            for (int n = 1; n < FRAMES; n++) {
                publish(publisher, n, 4 * (1 + random.nextInt(MAX_FRAME_BYTES / 4)));
            }
        }, "stress-producer");
        producer.start();
        while (producer.isAlive()) {
            // Viewers cut for an overwritten frame come back, as a player would reconnect.
            for (int i = 0; i < sinks.size(); i++) {
                if (sinks.get(i).closed != null) {
                    sinks.set(i, subscribe(worker, stream));
                }
            }
            producer.join(1);
        }
        worker.stop(5_000);

        System.out.printf("overwritten-mid-write stress: %d frames published, %d delivered, %d viewers cut "
                        + "(%d of them had really received torn bytes), %d frames skipped, %d torn delivered%n",
                FRAMES, delivered.get(), cuts.get(), tornCaught.get(), stream.framesSkipped(), tornDelivered.get());
        assertEquals(0, tornDelivered.get(), "a torn frame went out as if it were whole");
        assertEquals(cuts.get(), stream.subscribersCutOverwrittenMidWrite());
        assertTrue(delivered.get() > 100, "viewers kept receiving: " + delivered.get());
        assertTrue(tornCaught.get() > 0, "the race was never hit: the test proves nothing");
    }

    private VerifyingSink subscribe(FanoutWorker worker, Stream stream) {
        VerifyingSink sink = new VerifyingSink();
        assertTrue(worker.add(new Subscription(stream, "stress", sink, rings)));
        return sink;
    }

    private static void publish(StreamPublisher publisher, int number, int length) {
        TrackRing ring = publisher.track(TrackKind.VIDEO);
        long position = ring.reserve(length);
        int offset = ring.offsetOf(position);
        for (int i = 0; i < length; i += 4) {
            ring.payloadBuffer().putInt(offset + i, number);
        }
        publisher.publish(TrackKind.VIDEO, position, length, 5, Codec.AVC, number % KEYFRAME_INTERVAL == 0, false,
                number, 0, System.nanoTime());
    }

    /**
     * Copies each frame slowly; judges a flushed batch whole or torn once the subscription has validated it (it
     * comes back for more) or cut the viewer for it.
     */
    private final class VerifyingSink implements FrameSink {
        private final List<long[]> batchNumbers = new ArrayList<>();
        private final List<byte[]> batch = new ArrayList<>();
        private final List<long[]> flushedNumbers = new ArrayList<>();
        private final List<byte[]> flushed = new ArrayList<>();
        volatile CloseReason closed;

        @Override
        public boolean isReady() {
            confirmFlushed();
            return true;
        }

        @Override
        public void writeStart(byte[] metadata, TrackFormat videoFormat, TrackFormat audioFormat) {
        }

        @Override
        public void writeSequenceHeader(TrackFormat format, long timestampMs) {
        }

        @Override
        public void writeFrame(TrackKind kind, FrameEvent frame, DirectBuffer payload, int offset, int length) {
            byte[] copy = new byte[length];
            for (int i = 0; i < length; i++) {
                copy[i] = payload.getByte(offset + i);
                if ((i & 15) == 0) {
                    Thread.onSpinWait();
                }
            }
            batch.add(copy);
            batchNumbers.add(new long[]{frame.timestampMs()});
        }

        @Override
        public void flush() {
            flushed.addAll(batch);
            flushedNumbers.addAll(batchNumbers);
            batch.clear();
            batchNumbers.clear();
        }

        @Override
        public void close(CloseReason reason) {
            if (reason == CloseReason.OVERWRITTEN_MID_WRITE) {
                cuts.incrementAndGet();
                boolean anyTorn = false;
                for (int i = 0; i < flushed.size(); i++) {
                    anyTorn |= !isWhole(flushed.get(i), flushedNumbers.get(i)[0]);
                }
                if (anyTorn) {
                    tornCaught.incrementAndGet();
                }
                flushed.clear();
                flushedNumbers.clear();
            } else {
                confirmFlushed();
            }
            closed = reason;
        }

        /** The subscription came back after the flush: it found the batch intact. */
        private void confirmFlushed() {
            for (int i = 0; i < flushed.size(); i++) {
                delivered.incrementAndGet();
                if (!isWhole(flushed.get(i), flushedNumbers.get(i)[0])) {
                    tornDelivered.incrementAndGet();
                }
            }
            flushed.clear();
            flushedNumbers.clear();
        }

        private boolean isWhole(byte[] copy, long number) {
            for (int i = 0; i < copy.length; i += 4) {
                int value = (copy[i] & 0xFF) | ((copy[i + 1] & 0xFF) << 8) | ((copy[i + 2] & 0xFF) << 16)
                        | ((copy[i + 3] & 0xFF) << 24);
                if (value != (int) number) {
                    return false;
                }
            }
            return true;
        }
    }
}
