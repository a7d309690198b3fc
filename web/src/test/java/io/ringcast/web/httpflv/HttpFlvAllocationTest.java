package io.ringcast.web.httpflv;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.subscribe.FanoutWorker;
import io.ringcast.broadcast.subscribe.Subscription;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.media.flv.FlvTag;
import io.ringcast.web.testing.SyntheticStream;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * After warm-up, an HTTP-FLV viewer's per-frame path on its fan-out worker (ring read, frame copy, FLV tag
 * framing, the write to the servlet stream, the batch flush) allocates nothing. The worker runs on the test thread,
 * whose allocated-bytes counter is read around each pass; the servlet stream counts and discards.
 */
@Timeout(60)
class HttpFlvAllocationTest {
    private static final int FRAMES = 3_000;
    private static final int ROUNDS = 5;
    private static final int KEYFRAME_INTERVAL = 30;
    private static final int AUDIO_BYTES = 200;
    private static final int VIDEO_BYTES = 10_000;
    private static final int KEYFRAME_BYTES = 100_000;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final Engine engine = new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM, 1);
    private final FanoutWorker worker = new FanoutWorker("alloc", NanoClock.SYSTEM);
    private final byte[] audio = SyntheticStream.audioFrame(1, AUDIO_BYTES);
    private final byte[] video = SyntheticStream.videoFrame(2, false, VIDEO_BYTES);
    private final byte[] keyframe = SyntheticStream.videoFrame(3, true, KEYFRAME_BYTES);
    private SyntheticStream stream;
    private long frameIndex;

    @AfterEach
    void stop() {
        if (stream != null) {
            stream.close();
        }
        engine.close();
    }

    private static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Publishes the next frame of a 30-frame GOP: a keyframe, then P-frames, each followed by an audio frame. */
    private int publishNext() {
        long index = frameIndex++;
        long timestampMs = index * 20;
        if (index % 2 == 1) {
            stream.audio(audio, timestampMs);
            return audio.length;
        }
        boolean key = (index / 2) % KEYFRAME_INTERVAL == 0;
        byte[] body = key ? keyframe : video;
        stream.video(body, key, timestampMs);
        return body.length;
    }

    @Test
    void shouldAllocateNothingPerFrameWhileFramingFlvTagsForAViewer() throws Exception {
        stream = new SyntheticStream(engine, "live/alloc");
        publishNext();
        CountingOutputStream out = new CountingOutputStream();
        HttpFlvSink sink = new HttpFlvSink(completingAsyncContext(), out, null);
        Subscription viewer = new Subscription(stream.publisher().stream(), "httpflv", sink, RingConfig.DEFAULTS);
        sink.attach(viewer);
        sink.onWritePossible();
        worker.add(viewer);
        worker.doWork(System.nanoTime());
        long startBytes = out.bytes;

        long expectedBytes = 0;
        for (int i = 0; i < FRAMES; i++) {
            expectedBytes += publishNext() + FlvTag.OVERHEAD_BYTES;
            worker.doWork(System.nanoTime());
        }
        assertEquals(expectedBytes, out.bytes - startBytes, "every frame reached the viewer as one FLV tag");

        // The JIT allocates now and then while it settles (objects it had scalar-replaced come back when compiled
        // code is deoptimised); code that allocates per frame does so in every round, so the best round must be 0.
        long counterFirst = allocatedBytes();
        long overhead = allocatedBytes() - counterFirst;
        long[] roundBytes = new long[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            long writesBefore = out.writes;
            for (int i = 0; i < FRAMES; i++) {
                publishNext();
                long before = allocatedBytes();
                worker.doWork(System.nanoTime());
                roundBytes[round] += allocatedBytes() - before - overhead;
            }
            assertEquals(FRAMES, out.writes - writesBefore, "one servlet write per frame");
        }
        assertEquals(0, viewer.framesSkipped(), "a viewer pumped per frame never falls behind");
        assertEquals(0, Arrays.stream(roundBytes).min().orElseThrow(), "bytes allocated by the fan-out worker per "
                + "round of " + FRAMES + " frames: " + Arrays.toString(roundBytes));
    }

    private static AsyncContext completingAsyncContext() {
        return (AsyncContext) Proxy.newProxyInstance(HttpFlvAllocationTest.class.getClassLoader(),
                new Class<?>[] {AsyncContext.class}, (proxy, method, args) -> null);
    }

    /** Always ready; counts writes and bytes and keeps none. */
    private static final class CountingOutputStream extends ServletOutputStream {
        long bytes;
        long writes;

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
        }

        @Override
        public void write(int b) {
            writes++;
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes++;
            bytes += len;
        }
    }
}
