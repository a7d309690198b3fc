package io.ringcast.ingest.upstream;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.media.flv.AudioTagHeader;
import io.ringcast.broadcast.media.flv.FlvHeader;
import io.ringcast.broadcast.media.flv.FlvTag;
import io.ringcast.broadcast.media.flv.VideoTagHeader;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.ingest.testing.EnginePullTarget;
import io.ringcast.ingest.testing.ThreadAllocation;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * After warm-up, the pull's thread allocates nothing per frame: rounds of the file's media tags (timestamps moved on
 * each round) arrive chunked from a fake upstream and are published into a real engine.
 */
@Timeout(120)
class HttpFlvPullAllocationTest {
    private static final int WARM_UP_ROUNDS = 30;
    private static final int ROUNDS = 8;
    private static final int CHUNK_BYTES = 4096;
    private static final byte[] END = new byte[0];
    private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private final BlockingQueue<byte[]> toSend = new LinkedBlockingQueue<>();
    private long videoSent;
    private long audioSent;

    @Test
    void shouldAllocateNothingOnThePullThreadPerFrame(@TempDir Path folder) throws Exception {
        SampleFlv sample = SampleFlv.make(folder, 2);
        Tags tags = Tags.of(sample.bytes());
        cleanup.add(() -> toSend.add(END));
        FakeHttpUpstream upstream = cleanup.add(new FakeHttpUpstream(out -> {
            FakeHttpUpstream.writeText(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (byte[] bytes = toSend.take(); bytes != END; bytes = toSend.take()) {
                FakeHttpUpstream.writeChunked(out, bytes, CHUNK_BYTES, false);
                out.flush();
            }
        }));
        Engine engine = cleanup.add(new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM, 1)
                .start());
        EnginePullTarget target = cleanup.add(new EnginePullTarget(engine, "live", "x"));
        HttpFlvPull pull = cleanup.add(new HttpFlvPull(UpstreamUrl.parse(upstream.url("/live/x.flv")), 2_000,
                30_000, NanoClock.SYSTEM));
        Thread puller = new Thread(() -> {
            try {
                pull.run(target);
            } catch (IOException e) {
                // closed by the test's cleanup
            }
        }, "http-flv-pull");
        puller.setDaemon(true);
        puller.start();
        toSend.add(tags.head());
        videoSent = 1;
        audioSent = 1;

        for (int r = 0; r < WARM_UP_ROUNDS; r++) {
            round(tags, r, target);
        }
        int[] round = {WARM_UP_ROUNDS};
        ThreadAllocation.assertBestRoundAllocatesNothing("the pull thread per round of " + tags.frames() + " frames",
                new long[] {puller.getId()}, ROUNDS, () -> round(tags, round[0]++, target));
        assertEquals(videoSent, target.stream().track(TrackKind.VIDEO).framesPublished());
    }

    /** Sends the file's frames once more, their timestamps moved on by {@code index} file durations, and waits. */
    private void round(Tags tags, int index, EnginePullTarget target) {
        toSend.add(tags.frames(index));
        videoSent += tags.videoFrames();
        audioSent += tags.audioFrames();
        Await.until("round " + index + " published", ROUND_TIMEOUT,
                () -> target.stream() != null
                        && target.stream().track(TrackKind.VIDEO).framesPublished() == videoSent
                        && target.stream().track(TrackKind.AUDIO).framesPublished() == audioSent);
    }

    /**
     * The file split in two: its head (FLV header, metadata, sequence headers) and its other media tags, which a
     * round sends again with later timestamps.
     */
    private record Tags(byte[] head, byte[] media, int videoFrames, int audioFrames, long durationMs) {
        static Tags of(byte[] flv) {
            UnsafeBuffer buffer = new UnsafeBuffer(flv);
            int offset = (int) FlvHeader.dataOffset(buffer, 0) + FlvTag.PREVIOUS_TAG_SIZE_BYTES;
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            ByteArrayOutputStream media = new ByteArrayOutputStream();
            head.write(flv, 0, offset);
            int video = 0;
            int audio = 0;
            long lastMs = 0;
            VideoTagHeader videoTag = new VideoTagHeader();
            AudioTagHeader audioTag = new AudioTagHeader();
            while (offset < flv.length) {
                int type = FlvTag.type(buffer, offset);
                int size = FlvTag.dataSize(buffer, offset);
                int body = offset + FlvTag.HEADER_BYTES;
                int length = FlvTag.OVERHEAD_BYTES + size;
                boolean frame = (type == FlvTag.TYPE_VIDEO && !videoTag.wrap(buffer, body, size).isSequenceHeader())
                        || (type == FlvTag.TYPE_AUDIO && !audioTag.wrap(buffer, body, size).isSequenceHeader());
                if (frame) {
                    media.write(flv, offset, length);
                    video += type == FlvTag.TYPE_VIDEO ? 1 : 0;
                    audio += type == FlvTag.TYPE_AUDIO ? 1 : 0;
                    lastMs = Math.max(lastMs, FlvTag.timestampMs(buffer, offset));
                } else {
                    head.write(flv, offset, length);
                }
                offset += length;
            }
            return new Tags(head.toByteArray(), media.toByteArray(), video, audio, lastMs + 100);
        }

        int frames() {
            return videoFrames + audioFrames;
        }

        /** The media tags with their timestamps moved on by {@code round} durations. */
        byte[] frames(int round) {
            byte[] copy = Arrays.copyOf(media, media.length);
            UnsafeBuffer buffer = new UnsafeBuffer(copy);
            for (int offset = 0; offset < copy.length; ) {
                int size = FlvTag.dataSize(buffer, offset);
                FlvTag.putHeader(buffer, offset, FlvTag.type(buffer, offset), size,
                        FlvTag.timestampMs(buffer, offset) + (round + 1) * durationMs);
                offset += FlvTag.OVERHEAD_BYTES + size;
            }
            return copy;
        }
    }
}
