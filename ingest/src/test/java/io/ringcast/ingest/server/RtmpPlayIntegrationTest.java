package io.ringcast.ingest.server;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.ingest.testing.TestRtmpServer;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** Viewers play over RTMP on loopback (real ffmpeg/ffprobe and a raw client) from a real ffmpeg publisher. */
@Timeout(120)
class RtmpPlayIntegrationTest {
    private static final int PLAYER_LOOP_THREADS = 2;
    private Engine engine;
    private RtmpServer server;
    private String baseUrl;
    private final List<Ffmpeg.FfmpegProcess> processes = new ArrayList<>();

    private void start(RingConfig rings) throws IOException {
        engine = new Engine(EngineConfig.DEFAULTS, rings, NanoClock.SYSTEM, 2).start();
        server = TestRtmpServer.start(TestConfig.loopback().toml("""
                [rtmp]
                handshake_timeout_ms = 2000
                idle_timeout_ms = 5000
                max_connections = 100
                """).set("rtmp", "player_loop_threads", PLAYER_LOOP_THREADS), engine);
        baseUrl = "rtmp://127.0.0.1:" + server.localAddress().getPort();
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Ffmpeg.FfmpegProcess p : processes) {
            p.close();
        }
        if (server != null) {
            server.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private Ffmpeg.FfmpegProcess run(List<String> command, String name) throws IOException {
        Ffmpeg.FfmpegProcess p = Ffmpeg.start(command, name);
        processes.add(p);
        return p;
    }

    /** Starts a publisher of live/{name} and waits until its stream holds a keyframe. */
    private Stream publish(String name, String size, double seconds, String bitrate) throws Exception {
        run(Ffmpeg.publishArgs(baseUrl + "/live/" + name, size, 30, seconds, bitrate), "publish-" + name);
        StreamPath path = new StreamPath("live", name);
        await("a keyframe of " + path, 20_000, () -> {
            Stream s = engine.streams().find(path);
            return s != null && s.track(TrackKind.VIDEO).newestKeyframeSequence() >= 0;
        });
        return engine.streams().find(path);
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

    /** ffmpeg decoding {@code url} for {@code seconds}, writing per-frame CRCs to {@code crc}. */
    private static List<String> playArgs(String url, double seconds, Path crc) {
        return List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error", "-i", url,
                "-t", String.valueOf(seconds), "-f", "framecrc", "-y", crc.toString());
    }

    /** Decoded frames per media type ("video", "audio") in a framecrc file. */
    private static Map<String, Integer> countFrames(Path crc) throws IOException {
        String text = Files.readString(crc);
        Map<String, Integer> counts = new java.util.HashMap<>();
        Matcher types = Pattern.compile("#media_type (\\d+): (\\w+)").matcher(text);
        while (types.find()) {
            String index = types.group(1);
            int frames = (int) text.lines().filter(l -> l.startsWith(index + ",")).count();
            counts.put(types.group(2), frames);
        }
        return counts;
    }

    @Test
    void shouldLetFfmpegDecodeTenSecondsOfH264AndAacPlayedOverRtmp() throws Exception {
        Ffmpeg.assumeInstalled();
        start(RingConfig.DEFAULTS);
        publish("x", "1280x720", 25, "1500k");
        String url = baseUrl + "/live/x";
        Ffmpeg.Probe probe = Ffmpeg.probe(url, 20);
        assertEquals(0, probe.exitCode(), probe.output());
        assertEquals("h264", probe.get("video", "codec_name"), probe.output());
        assertEquals("1280", probe.get("video", "width"));
        assertEquals("720", probe.get("video", "height"));
        assertEquals("aac", probe.get("audio", "codec_name"));
        assertEquals("44100", probe.get("audio", "sample_rate"));

        Path crc = Files.createTempFile("ringcast-play-", ".crc");
        crc.toFile().deleteOnExit();
        Ffmpeg.FfmpegProcess player = run(playArgs(url, 10, crc), "play");
        assertEquals(0, player.await(40), player.output());
        assertEquals("", player.output().strip(), "no error output from the player");
        Map<String, Integer> frames = countFrames(crc);
        System.out.println("decoded from RTMP play: " + frames);
        assertTrue(frames.getOrDefault("video", 0) >= 280, "about 10 s of 30 fps video: " + frames);
        assertTrue(frames.getOrDefault("audio", 0) >= 400, "about 10 s of 44.1 kHz AAC: " + frames);
    }

    @Test
    void shouldServeTwentyFfmpegViewersFromTheConfiguredLoopThreadsAndRecordLatency() throws Exception {
        Ffmpeg.assumeInstalled();
        start(RingConfig.DEFAULTS);
        Stream stream = publish("many", "320x240", 25, "800k");
        int viewers = 20;
        List<Ffmpeg.FfmpegProcess> players = new ArrayList<>();
        List<Path> crcs = new ArrayList<>();
        for (int i = 0; i < viewers; i++) {
            Path crc = Files.createTempFile("ringcast-many-" + i + "-", ".crc");
            crc.toFile().deleteOnExit();
            crcs.add(crc);
            players.add(run(playArgs(baseUrl + "/live/many", 6, crc), "play-" + i));
        }
        await(viewers + " RTMP viewers", 30_000,
                () -> stream.subscribersByProtocol().getOrDefault("rtmp", 0) == viewers);
        // A viewer counts once its subscription is attached; its connection thread ends just after the hand-over.
        await("the viewers' connection threads to end after their hand-over", 10_000,
                () -> Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().matches("rtmp-\\d+-.*")).count() == 1);

        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            names.add(t.getName());
        }
        long loopThreads = names.stream().filter(n -> n.startsWith(RtmpPlayerLoops.THREAD_NAME_PREFIX)).count();
        long connectionThreads = names.stream().filter(n -> n.matches("rtmp-\\d+-.*")).count();
        assertEquals(PLAYER_LOOP_THREADS, loopThreads, "player loop threads: " + names);
        assertEquals(1, connectionThreads, "only the publisher keeps a connection thread: " + names);

        for (int i = 0; i < viewers; i++) {
            assertEquals(0, players.get(i).await(60), players.get(i).output());
            assertEquals("", players.get(i).output().strip(), "no error output from viewer " + i);
            Map<String, Integer> frames = countFrames(crcs.get(i));
            assertTrue(frames.getOrDefault("video", 0) >= 165, "viewer " + i + " decoded 6 s of video: " + frames);
            assertTrue(frames.getOrDefault("audio", 0) >= 240, "viewer " + i + " decoded 6 s of audio: " + frames);
        }
        engine.sampleLatency();
        Histogram latency = stream.latency("rtmp").total();
        System.out.printf("RTMP play server-added latency over %d frames: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                latency.getTotalCount(), latency.getValueAtPercentile(50) / 1e6,
                latency.getValueAtPercentile(99) / 1e6, latency.getMaxValue() / 1e6);
        // Recorded for every viewer's frames; the figures themselves are a benchmark's business (module perf):
        // here 20 ffmpeg decoders share the machine's cores with the server.
        assertTrue(latency.getTotalCount() >= 20 * 150, "latency recorded for every rtmp viewer's frames: "
                + latency.getTotalCount());
        assertTrue(latency.getMinValue() > 0, "latencies are write time minus ingest time, never zero");
    }

    @Test
    void shouldDisconnectAStalledViewerWithoutDelayingAConcurrentOne() throws Exception {
        Ffmpeg.assumeInstalled();
        start(new RingConfig(1024, 1024, 16 << 20, 1 << 20, false, 1000, 2000));
        Stream stream = publish("fast", "1280x720", 40, "8000k");
        int port = server.localAddress().getPort();
        try (RawRtmpClient stalled = new RawRtmpClient(port, 4096);
             RawRtmpClient reader = new RawRtmpClient(port, 0)) {
            stalled.play("live", "fast");
            reader.play("live", "fast");
            long lastVideoMs = -1;
            long maxGapMs = 0;
            long videoFrames = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < end
                    && (stream.subscribersDisconnectedForLag() == 0 || videoFrames < 300)) {
                RawRtmpClient.Message m = reader.nextMessage(end);
                if (m.typeId() != MessageTypeIds.VIDEO || (m.payload().length > 1 && m.payload()[1] == 0)) {
                    continue;
                }
                if (lastVideoMs >= 0) {
                    maxGapMs = Math.max(maxGapMs, m.timestampMs() - lastVideoMs);
                }
                lastVideoMs = m.timestampMs();
                videoFrames++;
            }
            System.out.printf("concurrent viewer: %d video frames, largest timestamp gap %d ms%n", videoFrames,
                    maxGapMs);
            assertTrue(stream.subscribersDisconnectedForLag() >= 1, "the stalled viewer was dropped for lag");
            assertTrue(videoFrames >= 300, "the concurrent viewer kept receiving: " + videoFrames);
            assertTrue(maxGapMs <= 100, "the concurrent viewer missed no frames; largest gap " + maxGapMs + " ms");
            assertTrue(stalled.isClosedByServer(10_000), "the stalled viewer's connection was closed");
            await("the stalled connection to be released (publisher and reader remain)", 5_000,
                    () -> server.connectionCount() == 2);
        }
    }

    @Test
    void shouldPauseUnpauseAndDeleteStreamWithTheRightStatusCodes() throws Exception {
        Ffmpeg.assumeInstalled();
        start(RingConfig.DEFAULTS);
        publish("p", "320x240", 30, "500k");
        try (RawRtmpClient client = new RawRtmpClient(server.localAddress().getPort(), 0)) {
            int streamId = client.play("live", "p");
            client.awaitMessage(RawRtmpClient.Message::isVideoKeyframe, 5_000);

            client.command(streamId, "pause", null, true, 0.0);
            client.awaitStatus("NetStream.Pause.Notify", 5_000);
            assertNoMediaWithin(client, 1_500, "while paused");

            client.command(streamId, "pause", null, false, 0.0);
            client.awaitStatus("NetStream.Unpause.Notify", 5_000);
            RawRtmpClient.Message firstFrame = client.awaitMessage(
                    m -> m.typeId() == MessageTypeIds.VIDEO && m.payload()[1] != 0, 5_000);
            assertTrue(firstFrame.isVideoKeyframe(), "media resumes with a keyframe");
            assertEquals(streamId, firstFrame.messageStreamId());

            client.command(0, "deleteStream", null, (double) streamId);
            client.awaitStatus("NetStream.Play.Stop", 5_000);
            assertNoMediaWithin(client, 1_000, "after deleteStream");
            assertFalse(client.isClosedByServer(500), "the connection stays open after deleteStream");
        }
    }

    @Test
    void shouldAnswerAPingRequestWhileMediaFlowsToTheViewer() throws Exception {
        Ffmpeg.assumeInstalled();
        start(RingConfig.DEFAULTS);
        publish("ping", "320x240", 30, "500k");
        try (RawRtmpClient client = new RawRtmpClient(server.localAddress().getPort(), 0)) {
            client.play("live", "ping");
            client.awaitMessage(RawRtmpClient.Message::isVideoKeyframe, 5_000);
            // User Control PingRequest (event 6) with timestamp 0x01020304, on chunk stream 2, message stream 0.
            client.sendRaw(new byte[]{0x02, 0, 0, 0, 0, 0, 6, 4, 0, 0, 0, 0, 0, 6, 1, 2, 3, 4});
            RawRtmpClient.Message pong = client.awaitMessage(m -> m.typeId() == MessageTypeIds.USER_CONTROL, 5_000);
            assertArrayEquals(new byte[]{0, 7, 1, 2, 3, 4}, pong.payload(), "PingResponse echoing the timestamp");
            RawRtmpClient.Message after = client.awaitMessage(RawRtmpClient.Message::isMedia, 5_000);
            assertTrue(after.isMedia(), "media goes on after the reply");
        }
    }

    private static void assertNoMediaWithin(RawRtmpClient client, long windowMs, String when) throws IOException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(windowMs);
        while (true) {
            RawRtmpClient.Message m;
            try {
                m = client.nextMessage(end);
            } catch (java.net.SocketTimeoutException e) {
                return;
            }
            assertFalse(m.isMedia(), "media message " + when + ": type " + m.typeId() + " at " + m.timestampMs());
        }
    }

    @Test
    void shouldRefuseFfmpegPlayingAnUnknownStreamAndKeepServing() throws Exception {
        Ffmpeg.assumeInstalled();
        start(RingConfig.DEFAULTS);
        publish("known", "320x240", 20, "500k");
        long started = System.nanoTime();
        Ffmpeg.FfmpegProcess player = run(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error",
                "-i", baseUrl + "/live/unknown", "-t", "2", "-f", "null", "-"), "play-unknown");
        assertNotEquals(0, player.await(20), "ffmpeg fails on an unknown stream: " + player.output());
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        System.out.println("unknown stream: ffmpeg exited after " + tookMs + " ms: " + player.output().strip());
        // ffmpeg prints an error-level onStatus as "Server error: <description>": the server answered play with
        // NetStream.Play.StreamNotFound, so ffmpeg did not give up on a silent server.
        assertTrue(player.output().contains("Server error: no live stream live/unknown"), player.output());
        try (RawRtmpClient client = new RawRtmpClient(server.localAddress().getPort(), 0)) {
            client.play("live", "known");
            client.awaitMessage(RawRtmpClient.Message::isVideoKeyframe, 5_000);
        }
    }
}
