package io.ringcast.ingest.server;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.ingest.testing.SampleMedia;
import io.ringcast.ingest.testing.TestRtmpServer;
import io.ringcast.ingest.testing.ThreadAllocation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After warm-up, a publisher's frames allocate nothing on its connection's ingest thread: socket reads with a
 * timeout (through the socket adaptor, no selector), chunk decoding straight into the track ring, tag parsing and
 * publishing. A raw client publishes over loopback with RTMP's default 128-byte chunks; the test reads that
 * thread's allocated-bytes counter between rounds.
 */
@Timeout(90)
class RtmpPublishAllocationTest {
    private static final int FRAMES = 600;
    private static final int WARM_UP_ROUNDS = 10;
    private static final int ROUNDS = 6;
    private static final int KEYFRAME_INTERVAL = 30;
    private static final int VIDEO_BYTES = 8_000;
    private static final int KEYFRAME_BYTES = 60_000;
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(20);

    private final byte[] video = SampleMedia.videoFrame(false, VIDEO_BYTES, 1);
    private final byte[] keyframe = SampleMedia.videoFrame(true, KEYFRAME_BYTES, 2);
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private Engine engine;
    private RtmpServer server;
    private long sent;
    private long timestampMs;

    @BeforeEach
    void start() throws IOException {
        engine = cleanup.add(new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM, 1).start());
        server = cleanup.add(TestRtmpServer.start(TestRtmpServer.smallServer(), engine));
    }

    @Test
    void shouldAllocateNothingOnTheIngestThreadPerFramePublished() throws Exception {
        try (RawRtmpClient client = new RawRtmpClient(server.localAddress().getPort(), 0)) {
            assertEquals("NetStream.Publish.Start", client.publish("live", "pub").statusCode());
            client.sendMedia(MessageTypeIds.VIDEO, 0, SampleMedia.AVC_SEQUENCE_HEADER);
            Stream stream = engine.streams().find(StreamPath.parse("live/pub"));
            assertNotNull(stream);
            long ingestThread = ingestThreadId();
            for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                publishRound(client, stream);
            }
            ThreadAllocation.assertBestRoundAllocatesNothing("the ingest thread per round of " + FRAMES + " frames",
                    new long[] {ingestThread}, ROUNDS, () -> publishRound(client, stream));
        }
    }

    /** Sends a round of frames (a keyframe every 30) and waits until the ring has every one. */
    private void publishRound(RawRtmpClient client, Stream stream) throws IOException {
        for (int i = 0; i < FRAMES; i++) {
            timestampMs += 40;
            client.sendMedia(MessageTypeIds.VIDEO, timestampMs, sent % KEYFRAME_INTERVAL == 0 ? keyframe : video);
            sent++;
        }
        long deadline = System.nanoTime() + WAIT_NS;
        while (stream.track(TrackKind.VIDEO).framesPublished() < sent) {
            assertTrue(System.nanoTime() - deadline < 0, "frames published: "
                    + stream.track(TrackKind.VIDEO).framesPublished() + " of " + sent);
            LockSupport.parkNanos(100_000);
        }
    }

    private static long ingestThreadId() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().matches("rtmp-\\d+-.*"))
                .mapToLong(Thread::getId).findFirst().orElseThrow(() -> new AssertionError("no ingest thread"));
    }
}
