package io.ringcast.web.page;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.llhls.LlHlsStream;
import io.ringcast.broadcast.llhls.LlHlsStreams;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How far behind live the player page plays in Debian's headless Chromium with hls.js: ffmpeg publishes H.264 + AAC
 * in real time over RTMP (640x360, 30 fps, 2 s GOP), {@code src/test/browser/play.mjs} opens {@code
 * /play/live/x?mode=hls} (LL-HLS: fMP4 parts of 200 ms, blocking reload) and samples hls.js's {@code latency} and the
 * page's own "Behind live edge" readout every 250 ms for 30 s of playback. LL-HLS must play at a median of at most
 * {@link #MAX_MEDIAN_LATENCY_S} behind live; the MPEG-TS variant ({@code &variant=ts}) is measured for comparison.
 * Skipped when ffmpeg, Chromium, Node.js or playwright-core are missing.
 */
@Timeout(180)
class LlHlsBrowserLatencyTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path BROWSER_DIR = Path.of("src/test/browser");
    private static final Path SCRIPT = BROWSER_DIR.resolve("play.mjs");
    private static final Path PLAYWRIGHT = BROWSER_DIR.resolve("node_modules/playwright-core/package.json");
    private static final Path OUT = Path.of("target/browser");
    private static final double MAX_MEDIAN_LATENCY_S = 1.5;
    private static final double PLAY_S = 30;
    private static final int PART_MS = Integer.getInteger("ringcast.llhls.partMs", 200);
    private static final int FPS = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    private RingcastServer server;
    private final List<Ffmpeg.FfmpegProcess> processes = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        Ffmpeg.assumeInstalled();
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + " (apt-get install chromium)");
        Assumptions.assumeTrue(node() != null, "no node on the PATH (apt-get install nodejs npm)");
        Assumptions.assumeTrue(Files.isRegularFile(PLAYWRIGHT),
                "no playwright-core in " + BROWSER_DIR + " (npm ci there, as ./run-tests does)");
        Files.createDirectories(OUT);
        // -Dringcast.llhls.partMs=333 measures another part target (how the 200 ms default was chosen).
        TestConfig config = TestConfig.loopback().set("hls", "part_duration_ms", PART_MS);
        server = RingcastServer.start(config.configFile(), OptionalInt.empty());
    }

    @AfterEach
    void stop() throws Exception {
        for (Ffmpeg.FfmpegProcess p : processes) {
            p.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldPlayLowLatencyHlsWithHlsJsAtMostOneAndAHalfSecondsBehindLive() throws Exception {
        publish("x", PLAY_S + 30);

        JsonNode result = play("/play/live/x?mode=hls", "llhls");

        JsonNode last = result.path("last");
        assertTrue(last.path("lowLatency").asBoolean(), "the page chose LL-HLS: " + last);
        assertEquals(640, last.path("videoWidth").asInt(), last.toString());
        assertEquals(360, last.path("videoHeight").asInt(), last.toString());
        assertTrue(result.path("advancedS").asDouble() >= PLAY_S - 1, "played " + result.path("advancedS") + " s");
        for (JsonNode error : last.path("errors")) {
            assertFalse(error.path("fatal").asBoolean(), "fatal player error: " + error + " in " + result);
        }
        double hlsjs = median(result.path("latency").path("hlsjsS"));
        double readout = median(result.path("latency").path("readoutS"));
        System.out.printf("LlHlsBrowserLatencyTest LL-HLS (%d ms parts) behind live: hls.js latency median %.2f s "
                + "(%s), page readout median %.2f s (%d samples)%n", PART_MS, hlsjs,
                spread(result.path("latency").path("hlsjsS")), readout, result.path("latency").path("readoutS").size());
        assertTrue(result.path("latency").path("hlsjsS").size() >= 60, "samples: " + result.path("latency"));
        assertTrue(hlsjs <= MAX_MEDIAN_LATENCY_S, "hls.js latency median " + hlsjs + " s: " + result.path("latency"));
        assertTrue(readout <= MAX_MEDIAN_LATENCY_S, "page readout median " + readout + " s");
        assertEquals(hlsjs, readout, 0.3, "the page shows hls.js's latency");
    }

    @Test
    @Disabled("issue 16, open: Chromium 156's own HLS player (mode=native) plays LL-HLS 30 s at 640x360 but first "
            + "reports MediaError 4 DEMUXER_ERROR_COULD_NOT_PARSE once (the page restarts it) and leaves seekable "
            + "empty, so the page shows no latency; not yet investigated (Safari not available here)")
    void shouldPlayLowLatencyHlsInTheBrowsersOwnHlsPlayer() throws Exception {
        publish("x", PLAY_S + 30);

        JsonNode result = play("/play/live/x?mode=native", "llhls-native");

        JsonNode last = result.path("last");
        Assumptions.assumeTrue(last.path("supports").path("nativeHls").asBoolean(), "this Chromium has no HLS");
        assertTrue(last.path("lowLatency").asBoolean(), "the page chose LL-HLS: " + last);
        assertTrue(result.path("advancedS").asDouble() >= PLAY_S - 1, "played " + result.path("advancedS") + " s");
        assertEquals(640, last.path("videoWidth").asInt(), last.toString());
        assertEquals(0, last.path("restarts").asInt(), "restarts after errors: " + last.path("errors"));
        for (JsonNode error : last.path("errors")) {
            assertFalse(error.path("fatal").asBoolean(), "fatal player error: " + error);
        }
        System.out.printf("LlHlsBrowserLatencyTest LL-HLS in the browser's own player: page readout (seekable end "
                + "minus position) median %.2f s%n", median(result.path("latency").path("readoutS")));
    }

    @Test
    void shouldMeasureMpegTsHlsBehindLiveForComparison() throws Exception {
        publish("x", PLAY_S + 35);

        JsonNode result = play("/play/live/x?mode=hls&variant=ts", "ts-hls");

        JsonNode last = result.path("last");
        assertFalse(last.path("lowLatency").asBoolean(), "the page played MPEG-TS: " + last);
        double hlsjs = median(result.path("latency").path("hlsjsS"));
        System.out.printf("LlHlsBrowserLatencyTest MPEG-TS HLS behind live: hls.js latency median %.2f s (%s), page "
                + "readout median %.2f s%n", hlsjs, spread(result.path("latency").path("hlsjsS")),
                median(result.path("latency").path("readoutS")));
        assertTrue(hlsjs > MAX_MEDIAN_LATENCY_S, "MPEG-TS with 2 s segments plays further behind: " + hlsjs);
    }

    private void publish(String name, double seconds) throws IOException {
        String url = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/" + name;
        processes.add(Ffmpeg.start(Ffmpeg.publishArgs(url, "640x360", FPS, seconds), "publish-" + name));
        awaitFirstParts(name);
    }

    /** Until the LL-HLS playlist lists a complete segment (the hls.js start needs an independent part). */
    private void awaitFirstParts(String name) {
        Await.until("a complete LL-HLS segment of " + name, Duration.ofSeconds(30), () -> {
            LlHlsStreams ll = server.engine().service(LlHlsStreams.class);
            LlHlsStream s = ll == null ? null : ll.find(StreamPath.parse("live/" + name));
            return s != null && !s.window().segments().isEmpty();
        });
    }

    private JsonNode play(String pagePath, String label) throws IOException, InterruptedException {
        String base = "http://127.0.0.1:" + server.httpPort();
        Path png = OUT.resolve("latency-" + label + ".png").toAbsolutePath();
        Path stdoutFile = OUT.resolve("latency-" + label + ".json");
        Path stderr = OUT.resolve("latency-" + label + ".stderr.txt");
        Process node = new ProcessBuilder(node(), SCRIPT.getFileName().toString(),
                "--play-url", base + pagePath, "--play-png", png.toString(),
                "--min-advance-s", String.valueOf(PLAY_S), "--timeout-s", String.valueOf(PLAY_S + 25))
                .directory(BROWSER_DIR.toFile())
                .redirectOutput(stdoutFile.toFile())
                .redirectError(stderr.toFile())
                .start();
        node.getOutputStream().close();
        if (!node.waitFor((long) PLAY_S + 60, TimeUnit.SECONDS)) {
            node.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("play.mjs did not finish: " + Files.readString(stderr));
        }
        String stdout = Files.readString(stdoutFile).strip();
        assertEquals(0, node.exitValue(), "play.mjs failed: " + stdout + "\n" + Files.readString(stderr));
        System.out.println("LlHlsBrowserLatencyTest " + label + ": " + stdout);
        JsonNode result = JSON.readTree(stdout);
        assertEquals(200, result.path("status").asInt(), stdout);
        return result;
    }

    private static double median(JsonNode values) {
        List<Double> sorted = new ArrayList<>();
        values.forEach(v -> sorted.add(v.asDouble()));
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        sorted.sort(Double::compare);
        return sorted.get(sorted.size() / 2);
    }

    private static String spread(JsonNode values) {
        List<Double> sorted = new ArrayList<>();
        values.forEach(v -> sorted.add(v.asDouble()));
        if (sorted.isEmpty()) {
            return "no samples";
        }
        sorted.sort(Double::compare);
        return String.format("min %.2f, p90 %.2f, max %.2f, n=%d", sorted.get(0),
                sorted.get((int) (sorted.size() * 0.9)), sorted.get(sorted.size() - 1), sorted.size());
    }

    private static String node() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "node");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
