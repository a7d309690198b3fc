package io.ringcast.broadcast.stream;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Frames of a stream with a backup, active and standby, allocate nothing per frame after warm-up. */
@Timeout(60)
class SwitchedFeedAllocationTest {
    private static final int FRAMES = 20_000;
    private static final int ROUNDS = 5;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long allocatedBytes() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void shouldAllocateNothingPerFrameForTheActiveSourceOrTheStandby() {
        StreamRegistry registry = new StreamRegistry(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM);
        StreamPath path = StreamPath.parse("live/alloc");
        PublisherInfo info = new PublisherInfo("t", "a", 0);
        StreamPublisher primary = registry.publish(path, info, false);
        StreamPublisher backup = registry.publishBackup(path, info, false);
        primary.acknowledgeSwitch();
        for (StreamPublisher source : new StreamPublisher[]{primary, backup}) {
            source.updateFormat(new TrackFormat(Codec.AVC, new byte[]{0x17, 0, 0, 0, 0}, 5, 0, 0, 0, 0));
            source.updateFormat(new TrackFormat(Codec.AAC, new byte[]{(byte) 0xaf, 0, 0x12, 0x10}, 2, 0, 0, 0, 0));
        }
        UnsafeBuffer video = new UnsafeBuffer(new byte[4_000]);
        UnsafeBuffer audio = new UnsafeBuffer(new byte[300]);
        long[] ts = {0};
        long[] written = {0};
        Runnable offerBoth = () -> {
            boolean key = ts[0] % 60 == 0;
            long now = System.nanoTime();
            written[0] += primary.offer(TrackKind.VIDEO, video, 0, 4_000, 5, Codec.AVC, key, false, ts[0], 0, now)
                    ? 1 : 0;
            written[0] += primary.offer(TrackKind.AUDIO, audio, 0, 300, 2, Codec.AAC, false, false, ts[0], 0, now)
                    ? 1 : 0;
            written[0] += backup.offer(TrackKind.VIDEO, video, 0, 4_000, 5, Codec.AVC, key, false, ts[0], 0, now)
                    ? 1 : 0;
            written[0] += backup.offer(TrackKind.AUDIO, audio, 0, 300, 2, Codec.AAC, false, false, ts[0], 0, now)
                    ? 1 : 0;
            ts[0] += 20;
        };
        for (int i = 0; i < FRAMES; i++) {
            offerBoth.run();
        }
        long first = allocatedBytes();
        long overhead = allocatedBytes() - first;
        long bytes = -1;
        for (int round = 0; round < ROUNDS; round++) {
            long start = allocatedBytes();
            for (int i = 0; i < FRAMES; i++) {
                offerBoth.run();
            }
            bytes = allocatedBytes() - start - overhead;
        }
        assertTrue(primary.isActive(), "the primary stayed active");
        assertEquals(2L * FRAMES * (ROUNDS + 1), written[0], "only the primary's frames were written");
        assertEquals(0, bytes, "bytes allocated for " + FRAMES + " frames of each source");
    }
}
