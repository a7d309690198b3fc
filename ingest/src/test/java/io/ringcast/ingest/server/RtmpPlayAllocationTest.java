package io.ringcast.ingest.server;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.ingest.testing.TestRtmpServer;
import io.ringcast.ingest.testing.ThreadAllocation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After warm-up, an RTMP viewer's frames allocate nothing on the server threads that carry them: the fan-out worker
 * (ring read, frame copy, chunk framing, socket writes) and the player loop. A raw client plays over loopback; the
 * test thread publishes into the engine and reads each frame back before the next, and reads those threads'
 * allocated-bytes counters between rounds.
 */
@Timeout(90)
class RtmpPlayAllocationTest {
    private static final int FRAMES = 1_500;
    private static final int WARM_UP_FRAMES = 5_000;
    private static final int ROUNDS = 6;
    private static final int KEYFRAME_INTERVAL = 30;
    private static final int AUDIO_BYTES = 200;
    private static final int VIDEO_BYTES = 10_000;
    private static final int KEYFRAME_BYTES = 100_000;
    private static final int AVC_HEADER_BYTES = 5;
    private static final int AAC_HEADER_BYTES = 2;
    private static final byte[] AVC_SEQUENCE_HEADER = bytes(0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1f, 0xff,
            0xe1, 0x00, 0x04, 0x67, 0x64, 0x00, 0x1f, 0x01, 0x00, 0x04, 0x68, 0xee, 0x3c, 0x80);
    private static final byte[] AAC_SEQUENCE_HEADER = bytes(0xaf, 0x00, 0x12, 0x10);
    private static final String FANOUT_THREAD_PREFIX = "ringcast-fanout-";

    private final byte[] audio = body(AAC_HEADER_BYTES, AUDIO_BYTES, 0xaf, 0x01);
    private final byte[] video = body(AVC_HEADER_BYTES, VIDEO_BYTES, 0x27, 0x01);
    private final byte[] keyframe = body(AVC_HEADER_BYTES, KEYFRAME_BYTES, 0x17, 0x01);
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private Engine engine;
    private RtmpServer server;
    private StreamPublisher publisher;
    private long frameIndex;

    @BeforeEach
    void start() throws IOException {
        engine = cleanup.add(new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM, 1).start());
        server = cleanup.add(TestRtmpServer.start(TestRtmpServer.smallServer(), engine));
    }

    @Test
    void shouldAllocateNothingOnTheServerThreadsPerFramePlayedOverRtmp() throws Exception {
        publisher = cleanup.add(engine.streams().publish(StreamPath.parse("live/alloc"),
                new PublisherInfo("test", "local", 0), false));
        publisher.updateFormat(new TrackFormat(Codec.AVC, AVC_SEQUENCE_HEADER, AVC_HEADER_BYTES, 640, 360, 0, 0));
        publisher.updateFormat(new TrackFormat(Codec.AAC, AAC_SEQUENCE_HEADER, AAC_HEADER_BYTES, 0, 0, 44_100, 2));
        publishNext();
        try (RawRtmpClient client = new RawRtmpClient(server.localAddress().getPort(), 0)) {
            client.play("live", "alloc");
            assertArrayEquals(keyframe, nextMedia(client).payload(), "the viewer starts at the keyframe");
            for (int i = 0; i < WARM_UP_FRAMES; i++) {
                playOneFrame(client);
            }
            ThreadAllocation.assertBestRoundAllocatesNothing("the fan-out worker and player loop per round of "
                    + FRAMES + " frames", serverThreadIds(), ROUNDS, () -> {
                        for (int i = 0; i < FRAMES; i++) {
                            playOneFrame(client);
                        }
                    });
        }
    }

    /** Publishes the next frame and reads it back: the same bytes, as the next media message. */
    private void playOneFrame(RawRtmpClient client) throws IOException {
        byte[] sent = publishNext();
        RawRtmpClient.Message received = nextMedia(client);
        assertEquals(sent.length, received.payload().length, "frame " + frameIndex);
        assertEquals(sent[0], received.payload()[0], "frame " + frameIndex);
    }

    private static RawRtmpClient.Message nextMedia(RawRtmpClient client) throws IOException {
        return client.awaitMessage(m -> m.isMedia() && m.payload()[1] != 0, 5_000);
    }

    /** A GOP of 30: a keyframe, then P-frames, each followed by an audio frame. */
    private byte[] publishNext() {
        long index = frameIndex++;
        long timestampMs = index * 20;
        if (index % 2 == 1) {
            publish(TrackKind.AUDIO, Codec.AAC, AAC_HEADER_BYTES, audio, false, timestampMs);
            return audio;
        }
        boolean key = (index / 2) % KEYFRAME_INTERVAL == 0;
        byte[] body = key ? keyframe : video;
        publish(TrackKind.VIDEO, Codec.AVC, AVC_HEADER_BYTES, body, key, timestampMs);
        return body;
    }

    private void publish(TrackKind kind, Codec codec, int headerLength, byte[] body, boolean key, long timestampMs) {
        TrackRing ring = publisher.track(kind);
        long position = ring.reserve(body.length);
        ring.payloadBuffer().putBytes(ring.offsetOf(position), body, 0, body.length);
        publisher.publish(kind, position, body.length, headerLength, codec, key, false, timestampMs, 0,
                System.nanoTime());
    }

    /** Every fan-out worker and player loop thread alive (other tests' engines are closed, or idle). */
    private static long[] serverThreadIds() {
        long[] ids = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(FANOUT_THREAD_PREFIX)
                        || t.getName().startsWith(RtmpPlayerLoops.THREAD_NAME_PREFIX))
                .mapToLong(Thread::getId).toArray();
        assertTrue(ids.length >= 2, "a fan-out worker and a player loop: " + Arrays.toString(ids));
        return ids;
    }

    /** A media tag body: the codec header bytes given, zeros, then a pattern up to {@code length}. */
    private static byte[] body(int headerLength, int length, int... header) {
        byte[] b = new byte[length];
        for (int i = 0; i < header.length; i++) {
            b[i] = (byte) header[i];
        }
        for (int i = headerLength; i < length; i++) {
            b[i] = (byte) (i * 31);
        }
        return b;
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
