package io.ringcast.ingest.server;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.ingest.testing.TestRtmpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An RTMP viewer that plays and keeps up costs the server little heap: measured as the live heap (after a full
 * collection) with 200 more players of one stream, less what the test's own clients hold. A player's connection
 * hands its socket to a player loop and its thread ends; what that thread used (its 64 KB read buffer) must not stay
 * reachable through the session.
 */
@Timeout(60)
class RtmpPlayerHeapTest {
    private static final int PLAYERS = 200;
    private static final long MAX_BYTES_PER_PLAYER = 16 * 1024;
    private static final byte[] AVC_SEQUENCE_HEADER = {
        0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1f, (byte) 0xff, (byte) 0xe1, 0x00, 0x04, 0x67, 0x64, 0x00, 0x1f, 0x01,
        0x00, 0x04, 0x68, (byte) 0xee, 0x3c, (byte) 0x80,
    };
    private static final int AVC_HEADER_BYTES = 5;

    @Test
    void shouldKeepLessThan16KilobytesOfHeapPerPlayingViewer() throws Exception {
        Engine engine = new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM, 1).start();
        RtmpServer server = TestRtmpServer.start(TestRtmpServer.smallServer()
                .set("rtmp", "max_connections", PLAYERS + 10).set("rtmp", "max_connections_per_ip", PLAYERS + 10),
                engine);
        List<RawRtmpClient> players = new ArrayList<>();
        long playersBytes;
        try {
            StreamPublisher publisher = engine.streams().publish(StreamPath.parse("live/heap"),
                    new PublisherInfo("test", "local", 0), false);
            publisher.updateFormat(new TrackFormat(Codec.AVC, AVC_SEQUENCE_HEADER, AVC_HEADER_BYTES, 640, 360, 0, 0));
            publishKeyframe(publisher);
            // The first viewer brings what a stream's RTMP viewers share (its latency histograms): not counted.
            try (RawRtmpClient first = play(server)) {
                long before = liveHeapBytes();
                for (int i = 0; i < PLAYERS; i++) {
                    players.add(play(server));
                }
                assertEquals(PLAYERS + 1, engine.streams().find(StreamPath.parse("live/heap")).subscriberCount());
                playersBytes = liveHeapBytes() - before;
            }
        } finally {
            server.close();
            engine.close();
        }
        // The test's own clients (a 64 KB read buffer each, their decoders) are in this heap too: take them out.
        long withClients = liveHeapBytes();
        for (RawRtmpClient player : players) {
            player.close();
        }
        players.clear();
        long clientBytes = withClients - liveHeapBytes();
        long perPlayer = (playersBytes - clientBytes) / PLAYERS;

        assertTrue(perPlayer < MAX_BYTES_PER_PLAYER, "server heap per playing RTMP viewer: " + perPlayer
                + " bytes (all players " + playersBytes + ", of which the test's clients " + clientBytes + ")");
    }

    private static RawRtmpClient play(RtmpServer server) throws IOException {
        RawRtmpClient player = new RawRtmpClient(server.localAddress().getPort(), 0);
        player.play("live", "heap");
        player.awaitMessage(RawRtmpClient.Message::isVideoKeyframe, 5_000);
        return player;
    }

    private static void publishKeyframe(StreamPublisher publisher) {
        byte[] body = new byte[2_000];
        body[0] = 0x17;
        body[1] = 0x01;
        TrackRing ring = publisher.track(TrackKind.VIDEO);
        long position = ring.reserve(body.length);
        ring.payloadBuffer().putBytes(ring.offsetOf(position), body, 0, body.length);
        publisher.publish(TrackKind.VIDEO, position, body.length, AVC_HEADER_BYTES, Codec.AVC, true, false, 0, 0,
                System.nanoTime());
    }

    /** Heap in use after full collections (two: the first may leave what finalization or references freed). */
    private static long liveHeapBytes() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
