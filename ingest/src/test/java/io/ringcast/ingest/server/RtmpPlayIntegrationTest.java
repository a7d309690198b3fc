package io.ringcast.ingest.server;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.ingest.RtmpConfig;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.testing.Ffmpeg;
import io.ringcast.ingest.testing.RawRtmpClient;
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
        RtmpConfig config = new RtmpConfig(true, "127.0.0.1", 0, 8 << 20, 1 << 24, 4096, 2_000, 5_000, 100,
                PLAYER_LOOP_THREADS);
        server = new RtmpServer(config, engine);
        server.start();
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
        Ffmpeg.FfmpegProcess player = run(playArgs(url, 10, crc), "play");
        assertEquals(0, player.await(40), player.output());
        assertEquals("", player.output().strip(), "no error output from the player");
        Map<String, Integer> frames = countFrames(crc);
        System.out.println("decoded from RTMP play: " + frames);
        assertTrue(frames.getOrDefault("video", 0) >= 280, "about 10 s of 30 fps video: " + frames);
        assertTrue(frames.getOrDefault("audio", 0) >= 400, "about 10 s of 44.1 kHz AAC: " + frames);
    }
}
