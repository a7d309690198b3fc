package io.ringcast.broadcast.record;

import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * After warm-up, the recorder allocates nothing on the tap thread per frame, including the frames that hand a
 * chunk to the writer, force a flush or start a rotated file. Measured with the calling thread's allocated-bytes
 * counter around each {@link FlvRecorder#onFrame} call; the writer thread is not measured (it allocates nothing
 * per frame either, but it is not on the publisher's path).
 */
@Timeout(180)
class FlvRecorderAllocationTest {
    private static final int WARM_UP_PASSES = 15;
    /** The JIT may allocate once on the test thread while recompiling; per-frame allocation shows in every pass. */
    private static final int MEASURED_PASSES = 3;
    private static final long PASS_MS = 7_100;
    /** Flush interval steps: about one flush every 30 frames. */
    private static final int FRAMES_PER_CLOCK_STEP = 30;

    @TempDir
    Path tmp;

    @Test
    void shouldAllocateNothingPerFrameOnTheTapThreadAfterWarmUp() throws Exception {
        Ffmpeg.assumeInstalled();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        FlvFile source = SourceFlv.generate(tmp, 7, true, true);
        RecordConfig config = RecordConfig.defaults().withMaxDurationMs(4_000);
        try (RecorderRig rig = new RecorderRig(tmp.resolve("out"), config)) {
            for (int pass = 0; pass < WARM_UP_PASSES; pass++) {
                feedPass(rig, source, pass, new long[2]);
            }
            long counterFirst = threads.getCurrentThreadAllocatedBytes();
            assertEquals(0, threads.getCurrentThreadAllocatedBytes() - counterFirst,
                    "the counter itself allocates nothing");
            long filesBefore = rig.status.filesWritten();
            long best = Long.MAX_VALUE;
            long[] last = null;
            for (int pass = WARM_UP_PASSES; pass < WARM_UP_PASSES + MEASURED_PASSES; pass++) {
                last = new long[2];
                feedPass(rig, source, pass, last);
                best = Math.min(best, last[0]);
            }
            assertTrue(last[1] > 500, "frames measured: " + last[1]);
            assertEquals(0, best, "bytes allocated recording " + last[1] + " frames");
            assertNull(rig.status.lastError(), "the writer kept up");
            Await.until("the writer to catch up", Duration.ofSeconds(10),
                    () -> rig.pipe.freeChunks() >= rig.pipe.chunkCount() - 1);
            assertTrue(rig.status.filesWritten() - filesBefore >= MEASURED_PASSES,
                    "rotations (4 s files, 7.1 s passes) were measured too: " + rig.status.filesWritten() + " files, "
                            + filesBefore + " before");
        }
    }

    /** Feeds the source once; adds {allocated bytes, frames} of the media frames to {@code result}. */
    private static void feedPass(RecorderRig rig, FlvFile source, int pass, long[] result) {
        int frames = 0;
        for (FlvFile.Tag tag : source.tags()) {
            if (++frames % FRAMES_PER_CLOCK_STEP == 0) {
                // Faster than real time: let the writer catch up (it forces once per step), unmeasured.
                Await.until("the writer to catch up", Duration.ofSeconds(10),
                        () -> rig.pipe.freeChunks() >= rig.pipe.chunkCount() - 1);
                rig.clock.advance(Duration.ofSeconds(1));
            }
            long allocated = rig.feedCountingAllocation(tag, pass * PASS_MS);
            if (tag.isMedia()) {
                result[0] += allocated;
                result[1]++;
            }
        }
    }
}
