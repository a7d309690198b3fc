package io.ringcast.broadcast.hls;

import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Ffmpeg;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * After warm-up, muxing a frame allocates nothing on the segmenter thread; only closing a segment allocates (its
 * byte array, window and playlist). Measured with the thread's allocated-bytes counter around each call.
 */
@Timeout(120)
class HlsAllocationTest {
    private static final int WARM_UP_PASSES = 20;
    /**
     * Measured passes: the JIT may allocate a few bytes once on the test thread (a deoptimisation while a method
     * is recompiled); code that allocates per frame does so in every pass, so the best pass must be zero.
     */
    private static final int MEASURED_PASSES = 3;
    private static final long PASS_MS = 7_000;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @TempDir
    Path sources;

    private static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** What one pass over the frames allocated: {frame bytes, frames measured, cut bytes, cuts}. */
    private static long[] measurePass(HlsSegmenter segmenter, FlvTestFile.Frame[] frames, long offsetMs,
                                      UnsafeBuffer payload) {
        HlsStats stats = segmenter.stream().stats();
        long[] result = new long[4];
        for (FlvTestFile.Frame f : frames) {
            long segmentsBefore = stats.segmentsPublished();
            long before = allocatedBytes();
            FlvTestFile.feedOne(segmenter, f, offsetMs, payload, 0);
            long allocated = allocatedBytes() - before;
            if (stats.segmentsPublished() != segmentsBefore) {
                result[2] += allocated;
                result[3]++;
            } else if (!f.sequenceHeader()) {
                result[0] += allocated;
                result[1]++;
            }
        }
        return result;
    }

    @Test
    void shouldAllocateNothingPerFrameAfterWarmUpAndOnlyTheSegmentWhenCutting() throws Exception {
        Ffmpeg.assumeInstalled();
        FlvTestFile.Frame[] frames = FlvTestFile.read(FlvTestFile.generate(sources, FlvTestFile.Tracks.BOTH, 7))
                .toArray(new FlvTestFile.Frame[0]);
        HlsStreams streams = new HlsStreams(HlsConfig.defaults(), () -> 0, Runnable::run);
        HlsSegmenter segmenter = streams.open(StreamPath.parse("live/x"));
        UnsafeBuffer payload = new UnsafeBuffer(new byte[1 << 20]);
        for (int pass = 0; pass < WARM_UP_PASSES; pass++) {
            for (FlvTestFile.Frame f : frames) {
                FlvTestFile.feedOne(segmenter, f, pass * PASS_MS, payload, 0);
            }
        }
        int capacityAfterWarmUp = segmenter.segmentBufferCapacity();
        long counterFirst = allocatedBytes();
        assertEquals(0, allocatedBytes() - counterFirst, "the counter itself allocates nothing");

        long bestFrameBytes = Long.MAX_VALUE;
        long[] last = null;
        for (int pass = 0; pass < MEASURED_PASSES; pass++) {
            last = measurePass(segmenter, frames, (WARM_UP_PASSES + pass) * PASS_MS, payload);
            bestFrameBytes = Math.min(bestFrameBytes, last[0]);
        }
        assertTrue(last[1] > 300, "frames measured: " + last[1]);
        assertEquals(0, bestFrameBytes, "bytes allocated muxing " + last[1] + " frames");
        assertEquals(capacityAfterWarmUp, segmenter.segmentBufferCapacity(), "segment buffer stopped growing");
        assertTrue(last[3] >= 3, "cuts: " + last[3]);
        long largestSegment = segmenter.stream().window().segments().stream().mapToLong(s -> s.bytes().length)
                .max().orElseThrow();
        long perCut = last[2] / last[3];
        assertTrue(perCut < largestSegment + 64 * 1024,
                "a cut allocates about the segment: " + perCut + " bytes vs " + largestSegment);
    }
}
