package io.ringcast.ingest.server;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamState;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.ingest.testing.TestRtmpServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/** A real ffmpeg publishes over RTMP on loopback; the engine must hold its stream, formats and frames. */
@Timeout(60)
class RtmpPublishIntegrationTest {
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private Engine engine;
    private RtmpServer server;
    private String baseUrl;

    @BeforeEach
    void start() throws Exception {
        engine = cleanup.add(new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM, 1).start());
        server = cleanup.add(TestRtmpServer.start(TestConfig.loopback().toml("""
                [rtmp]
                handshake_timeout_ms = 2000
                idle_timeout_ms = 5000
                max_connections = 100
                """), engine));
        baseUrl = "rtmp://127.0.0.1:" + server.localAddress().getPort();
    }

    private static void await(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void shouldIngestH264AndAacFromFfmpegWithFormatsAndKeyframes() throws Exception {
        Ffmpeg.assumeInstalled();
        StreamPath path = StreamPath.parse("live/x");
        try (Ffmpeg.FfmpegProcess ffmpeg = Ffmpeg.start(Ffmpeg.publishArgs(baseUrl + "/live/x", "1280x720", 30, 3),
                "publish")) {
            await("90 video frames", 20_000, () -> {
                Stream s = engine.streams().find(path);
                return s != null && s.track(TrackKind.VIDEO).framesPublished() >= 90;
            });
            Stream stream = engine.streams().find(path);
            assertEquals(StreamState.PUBLISHING, stream.state());
            TrackFormat video = stream.track(TrackKind.VIDEO).format();
            TrackFormat audio = stream.track(TrackKind.AUDIO).format();
            assertEquals(Codec.AVC, video.codec());
            assertEquals(1280, video.width());
            assertEquals(720, video.height());
            assertEquals(Codec.AAC, audio.codec());
            assertEquals(44100, audio.sampleRateHz());
            assertEquals(2, audio.channels());
            assertNotNull(stream.metadata(), "onMetaData stored");
            TrackRing ring = stream.track(TrackKind.VIDEO);
            FrameEvent first = ring.slot(0);
            assertTrue(first.isSequenceHeader(), "the sequence header comes first");
            FrameEvent keyframe = ring.slot(1);
            assertTrue(keyframe.isKeyframe());
            assertEquals(0x17, ring.payloadBuffer().getByte(ring.offsetOf(keyframe.payloadPosition())) & 0xFF,
                    "payload is the FLV video tag body: keyframe + AVC");
            long keyframes = 0;
            long previous = -1;
            for (long s = 1; s <= Math.min(ring.cursor(), 89); s++) {
                FrameEvent e = ring.slot(s);
                keyframes += e.isKeyframe() ? 1 : 0;
                assertTrue(e.timestampMs() >= previous, "decode timestamps non-decreasing");
                assertTrue(e.ingestNanos() > 0);
                previous = e.timestampMs();
            }
            assertEquals(2, keyframes, "2 s GOP at 30 fps: keyframes at frames 0 and 60");
            assertEquals(0, ffmpeg.await(20), ffmpeg.output());
        }
        await("stream to wait for its publisher", 5_000,
                () -> engine.streams().find(path) == null
                        || engine.streams().find(path).state() == StreamState.WAITING_PUBLISHER);
    }

    @Test
    void shouldRefuseASecondPublisherWithBadNameWhileTheFirstContinues() throws Exception {
        Ffmpeg.assumeInstalled();
        StreamPath path = StreamPath.parse("live/dup");
        try (Ffmpeg.FfmpegProcess first = Ffmpeg.start(Ffmpeg.publishArgs(baseUrl + "/live/dup", "320x240", 30, 6),
                "first")) {
            await("first publisher", 15_000, () -> engine.streams().find(path) != null
                    && engine.streams().find(path).track(TrackKind.VIDEO).framesPublished() > 5);
            try (Ffmpeg.FfmpegProcess second = Ffmpeg.start(
                    Ffmpeg.publishArgs(baseUrl + "/live/dup", "320x240", 30, 2), "second")) {
                assertNotEquals(0, second.await(20), "the second publisher must fail");
                assertTrue(second.output().contains("NetStream.Publish.BadName")
                        || second.output().toLowerCase(Locale.ROOT).contains("error"), second.output());
            }
            long before = engine.streams().find(path).track(TrackKind.VIDEO).framesPublished();
            await("first publisher to keep going", 5_000,
                    () -> engine.streams().find(path).track(TrackKind.VIDEO).framesPublished() > before + 30);
            assertEquals(0, first.await(20), first.output());
        }
    }

    @Test
    void shouldCloseAConnectionWithABadC0VersionAndKeepServing() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.localAddress().getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(new byte[1 + 1536]);
            InputStream in = socket.getInputStream();
            assertEquals(-1, in.read(), "server closes on C0 version 0");
        }
        try (Socket socket = new Socket("127.0.0.1", server.localAddress().getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(3);
            socket.getOutputStream().write(new byte[1536]);
            byte[] s0s1 = socket.getInputStream().readNBytes(1 + 1536);
            assertEquals(3, s0s1[0], "a well-behaved client is still served");
        }
    }

    @Test
    void shouldTimeOutAClientThatStopsMidHandshake() throws Exception {
        AtomicLong handshakeTimeouts = engine.counters().counter(RtmpCounters.CLOSED_HANDSHAKE_TIMEOUT);
        AtomicLong idleTimeouts = engine.counters().counter(RtmpCounters.CLOSED_IDLE_TIMEOUT);
        long before = handshakeTimeouts.get();
        try (Socket socket = new Socket("127.0.0.1", server.localAddress().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(3);
            assertEquals(-1, socket.getInputStream().read(), "closed without an answer");
        }
        await("connection cleaned up", 5_000, () -> server.connectionCount() == 0);
        // The counter, not the time waited, proves the close came from the handshake timeout.
        assertEquals(before + 1, handshakeTimeouts.get(), "closed by the handshake timeout, once");
        assertEquals(0, idleTimeouts.get(), "not counted as an idle timeout");
    }

    @Test
    void shouldTellAClientItsApplicationNameIsInvalidBeforeClosing() throws Exception {
        try (RawRtmpClient client = new RawRtmpClient(server.localAddress().getPort(), 0)) {
            RawRtmpClient.Message answer = client.connectAnswer("bad app/..");
            assertEquals("_error", answer.amf().get(0), "the answer is sent before the close");
            assertEquals("NetConnection.Connect.Rejected", answer.statusCode());
            assertEquals("invalid application name", answer.statusDescription());
            assertTrue(client.isClosedByServer(5_000));
        }
        await("counted", 5_000, () -> engine.counters().snapshot()
                .getOrDefault("rtmp.closed.protocol_violation", 0L) == 1L);
    }

    @Test
    void shouldCloseAPublisherWhoseSequenceHeaderBreaksItsFormatAsAProtocolViolation() throws Exception {
        try (RawRtmpClient client = new RawRtmpClient(server.localAddress().getPort(), 0)) {
            assertEquals("NetStream.Publish.Start", client.publish("live", "broken").statusCode());
            // An AVC sequence header (key frame, codec 7, packet type 0) whose record has configurationVersion 2:
            // the media parser refuses it, ingest closes the connection as it closes any protocol violation.
            client.sendMedia(MessageTypeIds.VIDEO, 0, new byte[] {0x17, 0, 0, 0, 0, 2, 0x64, 0, 0x1F, -1, -31});
            assertTrue(client.isClosedByServer(5_000), "closed by the server");
        }
        await("counted", 5_000, () -> engine.counters().snapshot()
                .getOrDefault("rtmp.closed.protocol_violation", 0L) == 1L);
        Stream stream = engine.streams().find(StreamPath.parse("live/broken"));
        assertTrue(stream == null || stream.track(TrackKind.VIDEO) == null
                || stream.track(TrackKind.VIDEO).format() == null, "no format from a refused record");
    }
}
