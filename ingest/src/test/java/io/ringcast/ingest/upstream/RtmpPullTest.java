package io.ringcast.ingest.upstream;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.subscribe.Subscription;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.ingest.server.RtmpServer;
import io.ringcast.ingest.testing.TestRtmpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RtmpPull against ringcast's own RTMP server (ffmpeg publishing) and against fake upstreams, on loopback. */
@Timeout(90)
class RtmpPullTest {
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    /** The AMF0 string "onMetaData" an onMetaData script body starts with. */
    static final byte[] ON_METADATA = amf0String("onMetaData");

    static byte[] amf0String(String s) {
        byte[] text = s.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[3 + text.length];
        out[0] = 2;
        out[2] = (byte) text.length;
        System.arraycopy(text, 0, out, 3, text.length);
        return out;
    }

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private Engine origin;
    private String originUrl;

    private Engine engine() {
        return cleanup.add(new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM, 1).start());
    }

    /** An origin engine and RTMP server with ffmpeg publishing live/src (640x360, 30 fps, 2 s GOP). */
    private Stream startPublishingOrigin(double seconds) throws IOException {
        Ffmpeg.assumeInstalled();
        origin = engine();
        RtmpServer server = cleanup.add(TestRtmpServer.start(TestRtmpServer.smallServer(), origin));
        originUrl = "rtmp://127.0.0.1:" + server.localAddress().getPort();
        cleanup.add(Ffmpeg.start(Ffmpeg.publishArgs(originUrl + "/live/src", "640x360", 30, seconds), "publish"));
        StreamPath path = new StreamPath("live", "src");
        Await.until("a keyframe of live/src on the origin", Duration.ofSeconds(20), () -> {
            Stream s = origin.streams().find(path);
            return s != null && s.track(TrackKind.VIDEO).newestKeyframeSequence() >= 0;
        });
        return origin.streams().find(path);
    }

    /** Runs a pull on its own thread, as the relay pool would; what run() threw lands in {@link #failure}. */
    private static final class PullThread implements AutoCloseable {
        final RtmpPull pull;
        final Thread thread;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile boolean returned;

        PullThread(RtmpPull pull, PullTarget target) {
            this.pull = pull;
            this.thread = new Thread(() -> {
                try {
                    pull.run(target);
                    returned = true;
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "pull");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            pull.close();
            thread.join(5_000);
        }
    }

    @Test
    void shouldPullFramesSequenceHeadersAndMetadataFromRingcastIntoAnotherEngine() throws Exception {
        Stream source = startPublishingOrigin(30);
        Engine edge = engine();
        EngineTarget target = new EngineTarget(edge, "live", "copy");
        RtmpPull pull = new RtmpPull(UpstreamUrl.parse(originUrl + "/live/src"), CONNECT_TIMEOUT_MS, 5_000,
                edge.clock());
        PullThread running = cleanup.add(new PullThread(pull, target));

        StreamPath copyPath = new StreamPath("live", "copy");
        Await.until("a keyframe of the pulled copy", Duration.ofSeconds(15), () -> {
            Stream s = edge.streams().find(copyPath);
            return s != null && s.track(TrackKind.VIDEO) != null
                    && s.track(TrackKind.VIDEO).newestKeyframeSequence() >= 0;
        }, () -> "failure: " + running.failure.get());
        Stream copy = edge.streams().find(copyPath);
        RecordingSink viewer = new RecordingSink();
        assertTrue(edge.fanout().add(new Subscription(copy, "test", viewer, edge.rings())));
        Await.until("3 s of video through the pull", Duration.ofSeconds(20),
                () -> viewer.count(TrackKind.VIDEO) >= 90, () -> "failure: " + running.failure.get());

        assertArrayEquals(source.track(TrackKind.VIDEO).format().sequenceHeader(),
                copy.track(TrackKind.VIDEO).format().sequenceHeader(), "AVC sequence header byte for byte");
        assertArrayEquals(source.track(TrackKind.AUDIO).format().sequenceHeader(),
                copy.track(TrackKind.AUDIO).format().sequenceHeader(), "AAC sequence header byte for byte");
        List<Long> timestamps = viewer.videoTimestamps();
        for (int i = 1; i < timestamps.size(); i++) {
            assertTrue(timestamps.get(i) >= timestamps.get(i - 1), "video timestamps non-decreasing at " + i
                    + ": " + timestamps.subList(Math.max(0, i - 3), i + 1));
        }
        assertTrue(viewer.keyframes() > 0, "keyframes: " + viewer.keyframes());
        assertTrue(viewer.count(TrackKind.AUDIO) > 100, "audio frames: " + viewer.count(TrackKind.AUDIO));
        byte[] metadata = copy.metadata();
        assertNotNull(metadata, "metadata pulled");
        assertArrayEquals(ON_METADATA, Arrays.copyOf(metadata, ON_METADATA.length));
        assertEquals(1, target.liveCalls.get(), "live() once, at the first media or metadata message");
        assertTrue(target.bytes.get() > 100_000, "bytes counted: " + target.bytes.get());
        System.out.println("pulled from ringcast: " + viewer.count(TrackKind.VIDEO) + " video, "
                + viewer.count(TrackKind.AUDIO) + " audio frames, " + viewer.keyframes() + " keyframes, "
                + target.bytes.get() + " bytes");

        long closeStartNs = System.nanoTime();
        pull.close();
        running.thread.join(1_000);
        assertFalse(running.thread.isAlive(), "run() ended within 1 s of close()");
        System.out.println("run() ended " + (System.nanoTime() - closeStartNs) / 1_000_000 + " ms after close()");
        target.stop();
    }

    @Test
    void shouldFailWithTheStreamNotFoundCodeForAStreamNobodyPublishes() throws Exception {
        Engine originEngine = engine();
        RtmpServer server = cleanup.add(TestRtmpServer.start(TestRtmpServer.smallServer(), originEngine));
        Engine edge = engine();
        EngineTarget target = new EngineTarget(edge, "live", "copy");
        RtmpPull pull = new RtmpPull(UpstreamUrl.parse("rtmp://127.0.0.1:" + server.localAddress().getPort()
                + "/live/nobody"), CONNECT_TIMEOUT_MS, 5_000, edge.clock());

        UpstreamException e = assertThrows(UpstreamException.class, () -> pull.run(target));

        assertTrue(e.getMessage().contains("NetStream.Play.StreamNotFound"), e.getMessage());
        assertEquals(0, target.liveCalls.get());
    }

    @Test
    void shouldFailWithinTheReadTimeoutWhenTheUpstreamAcceptsAndStaysSilent() throws Exception {
        // The kernel completes the TCP connect into the backlog; nobody ever answers the handshake.
        ServerSocket silent = cleanup.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Engine edge = engine();
        EngineTarget target = new EngineTarget(edge, "live", "copy");
        RtmpPull pull = new RtmpPull(UpstreamUrl.parse("rtmp://127.0.0.1:" + silent.getLocalPort() + "/live/x"),
                CONNECT_TIMEOUT_MS, 500, edge.clock());

        long startNs = System.nanoTime();
        UpstreamException e = assertThrows(UpstreamException.class, () -> pull.run(target));
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;

        assertEquals("no data from upstream for 500 ms", e.getMessage());
        assertTrue(elapsedMs >= 450 && elapsedMs < 2_000, "failed after " + elapsedMs + " ms");
        assertEquals(0, target.liveCalls.get());
    }

    @Test
    void shouldEndRunWithinOneSecondWhenClosedFromAnotherThread() throws Exception {
        ServerSocket silent = cleanup.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Engine edge = engine();
        RtmpPull pull = new RtmpPull(UpstreamUrl.parse("rtmp://127.0.0.1:" + silent.getLocalPort() + "/live/x"),
                CONNECT_TIMEOUT_MS, 30_000, edge.clock());
        PullThread running = cleanup.add(new PullThread(pull, new EngineTarget(edge, "live", "copy")));
        Socket accepted = cleanup.add(silent.accept());
        accepted.getInputStream().readNBytes(1 + 1536); // C0+C1: the pull now waits for S0

        long closeStartNs = System.nanoTime();
        pull.close();
        running.thread.join(1_000);
        long elapsedMs = (System.nanoTime() - closeStartNs) / 1_000_000;

        assertFalse(running.thread.isAlive(), "run() still running 1 s after close()");
        assertInstanceOf(IOException.class, running.failure.get());
        assertFalse(running.returned);
        System.out.println("run() ended " + elapsedMs + " ms after close()");
    }

    @Test
    void shouldFailOnlyThisPullWhenTheUpstreamSendsGarbageAfterAValidHandshake() throws Exception {
        Stream source = startPublishingOrigin(30);
        Engine edge = engine();
        EngineTarget goodTarget = new EngineTarget(edge, "live", "good");
        PullThread good = cleanup.add(new PullThread(new RtmpPull(UpstreamUrl.parse(originUrl + "/live/src"),
                CONNECT_TIMEOUT_MS, 5_000, edge.clock()), goodTarget));
        StreamPath goodPath = new StreamPath("live", "good");
        Await.until("the good pull is live", Duration.ofSeconds(15), () -> edge.streams().find(goodPath) != null
                && edge.streams().find(goodPath).track(TrackKind.VIDEO).framesPublished() > 0);

        // A chunk of a new chunk stream that starts with fmt 1 (no fmt 0 before): a protocol violation.
        byte[] noFmt0 = {0x43, 0, 0, 0, 0, 0, 10, 20};
        // A fmt 0 command message announcing 16 MiB, beyond the decoder's message limit.
        byte[] tooLong = {0x03, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0, 20, 0, 0, 0, 0};
        for (byte[] garbage : List.of(noFmt0, tooLong)) {
            ServerSocket hostile = cleanup.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            Thread fake = new Thread(() -> serveHandshakeThen(hostile, garbage), "fake-upstream");
            fake.start();
            EngineTarget target = new EngineTarget(edge, "live", "hostile");
            RtmpPull pull = new RtmpPull(UpstreamUrl.parse("rtmp://127.0.0.1:" + hostile.getLocalPort()
                    + "/live/x"), CONNECT_TIMEOUT_MS, 5_000, edge.clock());

            UpstreamException e = assertThrows(UpstreamException.class, () -> pull.run(target));

            assertTrue(e.getMessage().startsWith("upstream broke the protocol"), e.getMessage());
            assertEquals(0, target.liveCalls.get());
            fake.join(5_000);
        }
        long before = edge.streams().find(goodPath).track(TrackKind.VIDEO).framesPublished();
        Await.until("the good pull goes on", Duration.ofSeconds(5),
                () -> edge.streams().find(goodPath).track(TrackKind.VIDEO).framesPublished() > before + 30);
        assertEquals(null, good.failure.get());
        assertTrue(source.track(TrackKind.VIDEO).framesPublished() > 0);
    }

    /** A fake upstream: answers the simple handshake (S0 3, S1, S2 echoing C1), reads C2, sends {@code garbage}. */
    private static void serveHandshakeThen(ServerSocket server, byte[] garbage) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] c0c1 = in.readNBytes(1 + 1536);
            byte[] reply = new byte[1 + 2 * 1536];
            reply[0] = 3;
            System.arraycopy(c0c1, 1, reply, 1 + 1536, 1536);
            out.write(reply);
            in.readNBytes(1536);
            out.write(garbage);
            out.flush();
            in.readAllBytes(); // until the pull closes
        } catch (IOException e) {
            // the pull closed first
        }
    }
}
