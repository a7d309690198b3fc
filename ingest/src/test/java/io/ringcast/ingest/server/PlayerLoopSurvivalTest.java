package io.ringcast.ingest.server;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.ingest.testing.TestRtmpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crowds of RTMP viewers that stop reading are cut for lag (their sinks close the connection from the fan-out
 * worker while their last requests to the player loop are still queued), others leave while blocked: the one player
 * loop that serves them all must survive every such race and go on serving viewers. A loop that died on one of them
 * (a cancelled selection key, seen with 2,500 viewers) left every later viewer connected and unserved.
 */
@Timeout(120)
class PlayerLoopSurvivalTest {
    private static final int ROUNDS = 3;
    private static final int STALLED_VIEWERS = 60;
    private static final int FRAME_BYTES = 60_000;
    private static final byte[] AVC_SEQUENCE_HEADER = {0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f, (byte) 0xff, (byte) 0xe1,
        0, 4, 0x67, 0x64, 0, 0x1f, 1, 0, 4, 0x68, (byte) 0xee, 0x3c, (byte) 0x80};

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private final AtomicBoolean publishing = new AtomicBoolean(true);

    @Test
    void shouldKeepServingViewersAfterCrowdsOfStalledViewersWereCutOrLeft() throws Exception {
        Engine engine = cleanup.add(new Engine(EngineConfig.DEFAULTS,
                new RingConfig(1024, 1024, 16 << 20, 1 << 20, false, 150, 300), NanoClock.SYSTEM, 1).start());
        RtmpServer server = cleanup.add(TestRtmpServer.start(TestConfig.loopback().toml("""
                [rtmp]
                max_connections = 500
                max_connections_per_ip = 500
                play_send_buffer_bytes = 8192
                """).set("rtmp", "player_loop_threads", 1), engine));
        int port = server.localAddress().getPort();
        StreamPublisher publisher = cleanup.add(engine.streams().publish(StreamPath.parse("live/crowd"),
                new PublisherInfo("test", "local", 0), false));
        publisher.updateFormat(new TrackFormat(Codec.AVC, AVC_SEQUENCE_HEADER, 5, 640, 360, 0, 0));
        Thread producer = new Thread(() -> publishUntilStopped(publisher), "survival-publisher");
        producer.start();
        try {
            Stream stream = publisher.stream();
            for (int round = 0; round < ROUNDS; round++) {
                long cutBefore = stream.subscribersDisconnectedForLag();
                List<RawRtmpClient> stalled = new ArrayList<>();
                for (int i = 0; i < STALLED_VIEWERS; i++) {
                    RawRtmpClient client = new RawRtmpClient(port, 4096);
                    client.requestPlay("live", "crowd");
                    stalled.add(client);
                }
                // Half leave while blocked, the rest are cut for lag by the engine.
                for (int i = 0; i < stalled.size(); i += 2) {
                    stalled.get(i).close();
                }
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (stream.subscribersDisconnectedForLag() - cutBefore < STALLED_VIEWERS / 2 - 5
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                for (RawRtmpClient client : stalled) {
                    client.close();
                }
                assertTrue(playerLoopAlive(), "the player loop survived round " + round);
            }
            try (RawRtmpClient healthy = new RawRtmpClient(port, 0)) {
                healthy.play("live", "crowd");
                RawRtmpClient.Message media = healthy.awaitMessage(m -> m.isMedia() && m.payload().length > 100,
                        10_000);
                assertTrue(media.payload().length > 100, "a viewer after the crowds gets frames");
            }
            assertTrue(playerLoopAlive(), "the player loop is still there");
        } finally {
            publishing.set(false);
            producer.join(5_000);
        }
    }

    /** Video frames as fast as the producer can write them (keyframe every 30), until the test ends. */
    private void publishUntilStopped(StreamPublisher publisher) {
        byte[] body = new byte[FRAME_BYTES];
        long index = 0;
        while (publishing.get()) {
            boolean key = index % 30 == 0;
            body[0] = (byte) (key ? 0x17 : 0x27);
            body[1] = 1;
            TrackRing ring = publisher.track(TrackKind.VIDEO);
            long position = ring.reserve(body.length);
            ring.payloadBuffer().putBytes(ring.offsetOf(position), body);
            publisher.publish(TrackKind.VIDEO, position, body.length, 5, Codec.AVC, key, false, index * 33, 0,
                    System.nanoTime());
            index++;
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static boolean playerLoopAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith(RtmpPlayerLoops.THREAD_NAME_PREFIX) && t.isAlive());
    }
}
