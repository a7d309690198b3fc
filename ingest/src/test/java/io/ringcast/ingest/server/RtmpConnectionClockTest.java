package io.ringcast.ingest.server;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.broadcast.time.ManualWallClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.ingest.RtmpConfig;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.ingest.testing.SampleMedia;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The RTMP connection's timing rules on the engine's injected clocks: the test steps a {@link ManualClock} and a
 * {@link ManualWallClock} between the bytes it sends over a real loopback socket, and never sleeps for a timeout.
 */
@Timeout(30)
class RtmpConnectionClockTest {
    private static final int HANDSHAKE_PACKET = 1536;
    private static final long HANDSHAKE_TIMEOUT_MS = 5_000;
    private static final long IDLE_TIMEOUT_MS = 30_000;
    private static final long STALE_PUBLISHER_MS = 3_000;
    private static final long WAIT_MS = 5_000;
    private static final int AVC_HEADER_BYTES = 5;

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final ManualWallClock wallClock = new ManualWallClock(Instant.parse("2026-12-03T12:00:00Z"));
    private Engine engine;
    private RtmpServer server;

    @BeforeEach
    void start() throws IOException {
        engine = new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, LimitsConfig.DEFAULTS, clock, wallClock, 1)
                .start();
        RtmpConfig config = new RtmpConfig(true, "127.0.0.1", 0, 8 << 20, 1 << 24, 4096, HANDSHAKE_TIMEOUT_MS,
                IDLE_TIMEOUT_MS, 100, 1, RtmpConfig.DEFAULT_MAX_CONNECTIONS_PER_IP,
                RtmpConfig.DEFAULT_PLAY_SEND_BUFFER_BYTES, STALE_PUBLISHER_MS);
        server = new RtmpServer(config, engine);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        engine.close();
    }

    private int port() {
        return server.localAddress().getPort();
    }

    private long counter(String name) {
        return engine.counters().snapshot().getOrDefault(name, 0L);
    }

    /** Waits for a condition other threads make true (not for time to pass), failing after a deadline. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "timed out waiting for " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Connects and sends C0+C1, then reads S0+S1+S2: the server's handshake has started. */
    private Socket handshakeUpToC2() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port()));
        socket.setSoTimeout((int) WAIT_MS);
        byte[] c0c1 = new byte[1 + HANDSHAKE_PACKET];
        c0c1[0] = 3;
        socket.getOutputStream().write(c0c1);
        byte[] s0s1s2 = socket.getInputStream().readNBytes(1 + 2 * HANDSHAKE_PACKET);
        assertEquals(1 + 2 * HANDSHAKE_PACKET, s0s1s2.length, "S0+S1+S2");
        return socket;
    }

    private static boolean closedByPeer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true; // reset: closed as well
        }
    }

    @Test
    void shouldCloseAHandshakeThatIsNotCompleteWhenTheEngineClockReachesTheHandshakeTimeout() throws IOException {
        try (Socket socket = handshakeUpToC2()) {
            clock.advance(Duration.ofMillis(HANDSHAKE_TIMEOUT_MS));
            socket.getOutputStream().write(new byte[HANDSHAKE_PACKET]); // C2, arriving on the clock's deadline
            assertTrue(closedByPeer(socket), "closed instead of served");
        }
        await("the handshake timeout counted", () -> counter(RtmpCounters.CLOSED_HANDSHAKE_TIMEOUT) == 1);
        assertEquals(0, counter(RtmpCounters.CLOSED_IDLE_TIMEOUT));
    }

    @Test
    void shouldServeAHandshakeCompletedJustBeforeTheHandshakeTimeout() throws IOException {
        try (RawRtmpClient client = new RawRtmpClient(port(), 0, "127.0.0.1",
                () -> clock.advance(Duration.ofMillis(HANDSHAKE_TIMEOUT_MS - 1)))) {
            assertEquals("_result", client.connectAnswer("live").amf().get(0), "connect answered");
        }
        assertEquals(0, counter(RtmpCounters.CLOSED_HANDSHAKE_TIMEOUT));
    }

    @Test
    void shouldCloseAConnectionWhoseNextBytesComeAnIdleTimeoutAfterTheLastOnTheEngineClock() throws IOException {
        try (RawRtmpClient client = new RawRtmpClient(port(), 0)) {
            client.connect("live"); // transaction 1; every read so far at the clock's start
            for (int transaction = 2; transaction <= 4; transaction++) {
                clock.advance(Duration.ofMillis(IDLE_TIMEOUT_MS - 1));
                client.command(0, "createStream", (Object) null);
                RawRtmpClient.Message answer = client.awaitMessage(
                        m -> m.amf() != null && "_result".equals(m.amf().get(0)), WAIT_MS);
                assertEquals((double) transaction, answer.amf().get(1),
                        "answered: each read restarts the idle time");
            }
            assertEquals(0, counter(RtmpCounters.CLOSED_IDLE_TIMEOUT));

            clock.advance(Duration.ofMillis(IDLE_TIMEOUT_MS));
            client.command(0, "createStream", (Object) null);
            assertTrue(client.isClosedByServer(WAIT_MS), "bytes after an idle timeout's silence close it");
        }
        await("the idle timeout counted", () -> counter(RtmpCounters.CLOSED_IDLE_TIMEOUT) == 1);
        assertEquals(0, counter(RtmpCounters.CLOSED_HANDSHAKE_TIMEOUT));
    }

    @Test
    void shouldStampFramesAndThePublishWithTheEngineClocksAtTheReadOffTheSocket() throws IOException {
        StreamPath path = StreamPath.parse("live/clocked");
        try (RawRtmpClient publisher = new RawRtmpClient(port(), 0)) {
            wallClock.advance(Duration.ofMinutes(7));
            assertEquals("NetStream.Publish.Start", publisher.publish("live", "clocked").statusCode());
            long readNs = clock.advance(Duration.ofNanos(1_234_567));
            publisher.sendMedia(MessageTypeIds.VIDEO, 0, SampleMedia.AVC_SEQUENCE_HEADER);
            publisher.sendMedia(MessageTypeIds.VIDEO, 0, SampleMedia.videoFrame(true, 200, 1));
            await("two video frames", () -> {
                Stream s = engine.streams().find(path);
                return s != null && s.track(TrackKind.VIDEO).framesPublished() == 2;
            });
            Stream stream = engine.streams().find(path);
            TrackRing ring = stream.track(TrackKind.VIDEO);
            FrameEvent keyframe = ring.slot(1);
            assertTrue(keyframe.isKeyframe());
            assertEquals(readNs, keyframe.ingestNanos(), "ingest time = the engine clock at the socket read");
            assertEquals(readNs, stream.lastIngestNanos());
            assertEquals(Instant.parse("2026-12-03T12:07:00Z").toEpochMilli(),
                    stream.publisher().info().sinceEpochMs(), "publish start on the engine's wall clock");
        }
    }

    @Test
    void shouldLetANewPublisherTakeOverAStreamWhosePublisherWasSilentForTheStaleTimeOnTheEngineClock()
            throws IOException {
        try (RawRtmpClient first = new RawRtmpClient(port(), 0);
             RawRtmpClient early = new RawRtmpClient(port(), 0);
             RawRtmpClient successor = new RawRtmpClient(port(), 0)) {
            assertEquals("NetStream.Publish.Start", first.publish("live", "taken").statusCode());
            clock.advance(Duration.ofMillis(STALE_PUBLISHER_MS - 1));
            assertEquals("NetStream.Publish.BadName", early.publish("live", "taken").statusCode(),
                    "silent for less than the stale time: still the publisher");

            clock.advance(Duration.ofMillis(1));
            assertEquals("NetStream.Publish.Start", successor.publish("live", "taken").statusCode());
            assertTrue(first.isClosedByServer(WAIT_MS), "the stale publisher's connection is closed");
        }
        await("the takeover counted", () -> counter(RtmpCounters.CLOSED_PUBLISHER_TAKEN_OVER) == 1);
    }

    @Test
    void shouldCloseAPausedViewerSilentForTheIdleTimeoutOnTheEngineClockAndKeepAWatchingOne() throws IOException {
        StreamPublisher publisher = engine.streams().publish(StreamPath.parse("live/watched"),
                new PublisherInfo("test", "127.0.0.1:1", 0), false);
        publisher.updateFormat(new TrackFormat(Codec.AVC, SampleMedia.AVC_SEQUENCE_HEADER, AVC_HEADER_BYTES, 320,
                240, 0, 0));
        publishVideo(publisher, 0, SampleMedia.videoFrame(true, 200, 1), true);
        try (RawRtmpClient watching = new RawRtmpClient(port(), 0);
             RawRtmpClient paused = new RawRtmpClient(port(), 0)) {
            watching.play("live", "watched");
            int streamId = paused.play("live", "watched");
            paused.command(streamId, "pause", null, true, 0.0);
            paused.awaitStatus("NetStream.Pause.Notify", WAIT_MS);

            clock.advance(Duration.ofMillis(IDLE_TIMEOUT_MS + 1));
            assertTrue(paused.isClosedByServer(WAIT_MS), "paused and silent for longer than the idle timeout");
            await("the idle close counted", () -> counter(RtmpCounters.CLOSED_IDLE_TIMEOUT) == 1);

            byte[] next = SampleMedia.videoFrame(false, 100, 2);
            publishVideo(publisher, 40, next, false);
            assertArrayEquals(next, watching.awaitMessage(m -> m.isMedia() && m.timestampMs() == 40, WAIT_MS)
                    .payload(), "a viewer that watches may stay silent");
        }
        assertEquals(1, counter(RtmpCounters.CLOSED_IDLE_TIMEOUT));
    }

    private void publishVideo(StreamPublisher publisher, long timestampMs, byte[] body, boolean key) {
        TrackRing ring = publisher.track(TrackKind.VIDEO);
        long position = ring.reserve(body.length);
        ring.payloadBuffer().putBytes(ring.offsetOf(position), body, 0, body.length);
        publisher.publish(TrackKind.VIDEO, position, body.length, AVC_HEADER_BYTES, Codec.AVC, key, false,
                timestampMs, 0, clock.nanoTime());
    }
}
