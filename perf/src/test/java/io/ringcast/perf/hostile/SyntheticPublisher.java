package io.ringcast.perf.hostile;

import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.ingest.testing.SampleMedia;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A live RTMP publisher on its own thread, from the healthy address: an AVC sequence header, then synthetic video
 * frames at a fixed rate in real time with a keyframe every {@code gopFrames}, until closed. Frames are what the
 * server parses as H.264 (one IDR or non-IDR NAL unit each), so HTTP-FLV, RTMP and HLS all carry them.
 */
final class SyntheticPublisher implements AutoCloseable {
    private static final int CHUNK_SIZE_BYTES = 65_536;

    private final RawRtmpClient client;
    private final Thread thread;
    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final String publishAnswer;
    private volatile boolean running = true;

    private SyntheticPublisher(RawRtmpClient client, String publishAnswer, int fps, int gopFrames, int frameBytes,
                               int keyframeBytes) {
        this.client = client;
        this.publishAnswer = publishAnswer;
        this.thread = new Thread(() -> run(fps, gopFrames, frameBytes, keyframeBytes), "synthetic-publisher");
        thread.setDaemon(true);
    }

    /**
     * Publishes {@code app/name} and starts sending; fails if the server did not answer Publish.Start.
     *
     * @param frameBytes    size of each non-key frame
     * @param keyframeBytes size of each keyframe
     */
    static SyntheticPublisher start(int rtmpPort, String app, String name, int fps, int gopFrames, int frameBytes,
                                    int keyframeBytes) throws IOException {
        RawRtmpClient client = new RawRtmpClient(rtmpPort, 0);
        String answer;
        try {
            answer = client.publish(app, name).statusCode();
            if (!"NetStream.Publish.Start".equals(answer)) {
                throw new IOException("publish of " + app + "/" + name + " answered " + answer);
            }
            client.setChunkSize(CHUNK_SIZE_BYTES);
            client.sendMedia(MessageTypeIds.VIDEO, 0, SampleMedia.AVC_SEQUENCE_HEADER);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
        SyntheticPublisher publisher = new SyntheticPublisher(client, answer, fps, gopFrames, frameBytes,
                keyframeBytes);
        publisher.thread.start();
        return publisher;
    }

    /** A small stream: 25 fps, a keyframe a second, 2 KB frames. */
    static SyntheticPublisher small(int rtmpPort, String name) throws IOException {
        return start(rtmpPort, "live", name, 25, 25, 2_000, 20_000);
    }

    private void run(int fps, int gopFrames, int frameBytes, int keyframeBytes) {
        byte[] key = SampleMedia.videoFrame(true, keyframeBytes, 1);
        byte[] delta = SampleMedia.videoFrame(false, frameBytes, 2);
        long periodNs = TimeUnit.SECONDS.toNanos(1) / fps;
        long start = System.nanoTime();
        try {
            for (long i = 0; running; i++) {
                long due = start + i * periodNs;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // pacing media in real time, not synchronisation
                }
                client.sendMedia(MessageTypeIds.VIDEO, 40 + i * 1000 / fps, i % gopFrames == 0 ? key : delta);
                framesSent.incrementAndGet();
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                failure.set(e);
            }
        }
    }

    long framesSent() {
        return framesSent.get();
    }

    String publishAnswer() {
        return publishAnswer;
    }

    /** The error that stopped the sending thread early, or null. */
    Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        client.close();
        thread.join(5_000);
    }
}
