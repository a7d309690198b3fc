package io.ringcast.web.page;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.web.RingcastServer;
import io.ringcast.broadcast.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The player page in a real browser: ffmpeg publishes H.264 + AAC over RTMP (testsrc2 640x360, 30 fps, 2 s GOP)
 * and Debian's headless Chromium, driven by {@code src/test/browser/play.mjs} (playwright-core), opens
 * {@code /play/live/x}, waits until the video's currentTime advanced by 5 s and reports what it saw as JSON.
 * Screenshots of the playing page and of the stream list land in {@code target/browser/} for a human to look at.
 *
 * <p>Skipped (never passed) when ffmpeg, Chromium, Node.js or the npm modules are missing; {@code .ci/run}
 * installs all of them.
 */
@Timeout(120)
class BrowserPlaybackTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int FPS = 30;
    private static final double MIN_ADVANCE_S = 5;
    private static final int PLAY_TIMEOUT_S = 25;
    private static final int SCRIPT_TIMEOUT_S = 75;

    private RingcastServer server;
    private final List<Ffmpeg.FfmpegProcess> processes = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        Ffmpeg.assumeInstalled();
        PlayScript.assumeAvailable();
        server = RingcastServer.start(TestConfig.loopback().configFile(), OptionalInt.empty());
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
    void shouldPlayHttpFlvInChromiumWithMpegtsJsWithoutErrors() throws Exception {
        publish("x", 25);

        JsonNode result = play("/play/live/x?mode=flv", "flv");

        assertTrue(result.path("mseH264Aac").asBoolean(), "Chromium decodes H.264/AAC in MSE: " + result);
        assertEquals("flv", result.path("last").path("mode").asText(), result.toString());
        assertTrue(result.path("advancedS").asDouble() >= MIN_ADVANCE_S,
                "currentTime advanced " + result.path("advancedS") + " s in " + result.path("waitedMs") + " ms: "
                        + result);
        assertEquals(0, result.path("last").path("errors").size(), "player errors: " + result.path("last"));
        assertPlayedTestSource(result);
        assertPageStayedLocal(result);
        assertIndexListsTheStream(result);
    }

    @Test
    void shouldPlayASignedPageUrlWhenPlayURLsMustBeSigned() throws Exception {
        String secret = "browser-play-secret-0123456789abcdef01";
        server.close();
        server = RingcastServer.start(TestConfig.loopback().toml("""
                [auth]
                play_secret = "%s"
                """.formatted(secret)).configFile(), OptionalInt.empty());
        publish("x", 25);
        long expires = java.time.Instant.now().getEpochSecond() + 600;
        String token = new io.ringcast.broadcast.auth.PlayTokens(secret, java.time.Clock.systemUTC())
                .sign(io.ringcast.broadcast.stream.StreamPath.parse("live/x"), expires);

        JsonNode result = play("/play/live/x?mode=flv&expires=" + expires + "&token=" + token, "flv-signed");

        assertTrue(result.path("advancedS").asDouble() >= MIN_ADVANCE_S, "played with the page's token: " + result);
        assertEquals(0, result.path("last").path("errors").size(), "player errors: " + result.path("last"));
    }

    @Test
    void shouldPlayHlsInChromiumWithHlsJsWithoutFatalErrors() throws Exception {
        publish("x", 40);
        // A playlist needs a few segments (2 s GOP) before hls.js starts.
        awaitVideoFrames("x", 4L * FPS);

        JsonNode result = play("/play/live/x?mode=hls", "hls");

        assertTrue(result.path("mseH264Aac").asBoolean(), "Chromium decodes H.264/AAC in MSE: " + result);
        assertEquals("hls", result.path("last").path("mode").asText(), result.toString());
        assertTrue(result.path("advancedS").asDouble() >= MIN_ADVANCE_S,
                "currentTime advanced " + result.path("advancedS") + " s in " + result.path("waitedMs") + " ms: "
                        + result);
        // hls.js reports recoverable hiccups (a stall at the live edge) as non-fatal errors; those are listed in
        // the failure message of a failing run but only fatal ones fail the test.
        for (JsonNode error : result.path("last").path("errors")) {
            assertFalse(error.path("fatal").asBoolean(), "fatal player error: " + error + " in " + result);
        }
        assertPlayedTestSource(result);
        assertPageStayedLocal(result);
        assertIndexListsTheStream(result);
    }

    private void publish(String name, double seconds) throws IOException {
        String url = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/" + name;
        processes.add(Ffmpeg.start(Ffmpeg.publishArgs(url, "640x360", FPS, seconds), "publish-" + name));
        awaitVideoFrames(name, FPS);
    }

    private void awaitVideoFrames(String name, long frames) {
        Await.until(frames + " video frames of " + name, Duration.ofSeconds(30), () -> {
            Stream stream = server.engine().streams().find(StreamPath.parse("live/" + name));
            TrackRing ring = stream == null ? null : stream.track(TrackKind.VIDEO);
            return ring != null && ring.framesPublished() >= frames;
        });
    }

    /** Runs play.mjs against the page and the index; returns its JSON (also written to target/browser/). */
    private JsonNode play(String pagePath, String label) throws IOException, InterruptedException {
        String base = "http://127.0.0.1:" + server.httpPort();
        Path playPng = PlayScript.OUT.resolve("play-" + label + ".png").toAbsolutePath();
        Path indexPng = PlayScript.OUT.resolve("index.png").toAbsolutePath();
        Files.deleteIfExists(playPng);
        JsonNode result = PlayScript.run("play-" + label, List.of(
                "--play-url", base + pagePath, "--play-png", playPng.toString(),
                "--index-url", base + "/", "--index-png", indexPng.toString(),
                "--min-advance-s", String.valueOf(MIN_ADVANCE_S), "--timeout-s", String.valueOf(PLAY_TIMEOUT_S)),
                SCRIPT_TIMEOUT_S);
        assertPng(playPng);
        assertPng(indexPng);
        return result;
    }

    private static void assertPlayedTestSource(JsonNode result) {
        JsonNode last = result.path("last");
        assertEquals(640, last.path("videoWidth").asInt(), last.toString());
        assertEquals(360, last.path("videoHeight").asInt(), last.toString());
        assertFalse(last.path("paused").asBoolean(), "muted autoplay started: " + last);
        assertTrue(last.path("totalVideoFrames").asInt() >= (MIN_ADVANCE_S - 1) * FPS,
                "decoded frames: " + last.path("totalVideoFrames"));
    }

    private static void assertPageStayedLocal(JsonNode result) {
        assertEquals(0, result.path("foreignRequests").size(), "requests off this server: " + result);
        assertEquals(0, result.path("consoleErrors").size(), "console errors: " + result.path("consoleErrors"));
    }

    private static void assertIndexListsTheStream(JsonNode result) {
        assertEquals(200, result.path("indexStatus").asInt(), result.toString());
        List<String> links = new ArrayList<>();
        result.path("indexLinks").forEach(l -> links.add(l.asText()));
        assertTrue(links.containsAll(List.of("play/live/x", "live/x.flv", "live/x.m3u8")), links.toString());
    }

    private static void assertPng(Path png) throws IOException {
        assertTrue(Files.size(png) > 10_000, png + " is too small for a screenshot");
        byte[] head = new byte[PNG_SIGNATURE.length];
        try (var in = Files.newInputStream(png)) {
            assertEquals(head.length, in.read(head));
        }
        assertTrue(java.util.Arrays.equals(PNG_SIGNATURE, head), png + " is not a PNG");
    }
}
