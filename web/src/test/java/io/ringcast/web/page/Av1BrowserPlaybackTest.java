package io.ringcast.web.page;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringcast.broadcast.llhls.LlHlsStream;
import io.ringcast.broadcast.llhls.LlHlsStreams;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.Ffmpeg7;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AV1 in the browser: ffmpeg 7.1 publishes SVT-AV1 (320x180, coded 320x184, so its key frames carry a render size;
 * 30 fps, a key frame a second) with AAC over Enhanced RTMP, and Debian's headless Chromium plays the player page
 * over HTTP-FLV (mpegts.js, with the build's AV1 fixes) and over LL-HLS (hls.js, fMP4 {@code av01}). Both must
 * show 320x180 pictures, buffer the video without holes, decode frames for the whole play and report no player
 * error; HTTP-FLV must not skip ahead, and LL-HLS must stay at most 1.5 s behind live (hls.js's latency, median).
 */
@Timeout(180)
class Av1BrowserPlaybackTest {
    private static final Path MEDIA = Path.of("target", "ffmpeg7-media");
    private static final int FPS = 30;
    private static final double PLAY_S = 10;
    private static final double MAX_MEDIAN_LATENCY_S = 1.5;

    private RingcastServer server;
    private Ffmpeg.FfmpegProcess publisher;

    @BeforeEach
    void start() throws Exception {
        Ffmpeg7.assumeAvailable();
        PlayScript.assumeAvailable();
        Files.createDirectories(MEDIA);
        Path media = Ffmpeg7.av1Mp4(MEDIA, "320x180", FPS, 16);
        server = RingcastServer.start(TestConfig.loopback().configFile(), OptionalInt.empty());
        String url = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/av1";
        publisher = Ffmpeg7.start(Ffmpeg7.publishLoopArgs(media, url, PLAY_S + 50), "publish-av1");
        Await.until("a complete LL-HLS segment of live/av1", Duration.ofSeconds(30), () -> {
            LlHlsStreams ll = server.engine().service(LlHlsStreams.class);
            LlHlsStream s = ll == null ? null : ll.find(StreamPath.parse("live/av1"));
            return s != null && !s.window().segments().isEmpty();
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldPlayAv1OverHttpFlvWithMpegtsJs() throws Exception {
        JsonNode result = play("/play/live/av1?mode=flv", "av1-flv");

        assertPlayedAv1(result, "flv");
        // currentTime ran no further than the time really played: mpegts.js skips ahead only past a frozen video.
        assertTrue(result.path("advancedS").asDouble() - result.path("last").path("playedS").asDouble() < 0.5,
                "skipped ahead: " + result);
        assertEquals(0, result.path("last").path("errors").size(), "player errors: " + result.path("last"));
        assertEquals(0, result.path("consoleErrors").size(), "console errors: " + result.path("consoleErrors"));
    }

    @Test
    void shouldPlayAv1OverLowLatencyHlsWithHlsJs() throws Exception {
        JsonNode result = play("/play/live/av1?mode=hls", "av1-llhls");

        assertPlayedAv1(result, "hls");
        assertTrue(result.path("last").path("lowLatency").asBoolean(), "the page chose LL-HLS: " + result);
        for (JsonNode error : result.path("last").path("errors")) {
            assertFalse(error.path("fatal").asBoolean(), "fatal player error: " + error + " in " + result);
        }
        JsonNode samples = result.path("latency").path("hlsjsS");
        double median = PlayScript.median(samples);
        System.out.printf("Av1BrowserPlaybackTest AV1 over LL-HLS behind live: hls.js latency median %.2f s (%s)%n",
                median, PlayScript.spread(samples));
        assertTrue(samples.size() >= 20, "samples: " + result.path("latency"));
        assertTrue(median <= MAX_MEDIAN_LATENCY_S, "hls.js latency median " + median + " s: " + samples);
    }

    private JsonNode play(String pagePath, String label) throws Exception {
        Path png = PlayScript.OUT.resolve(label + ".png").toAbsolutePath();
        return PlayScript.run(label, List.of(
                "--play-url", "http://127.0.0.1:" + server.httpPort() + pagePath, "--play-png", png.toString(),
                "--min-advance-s", String.valueOf(PLAY_S), "--timeout-s", String.valueOf(PLAY_S + 25)),
                (long) PLAY_S + 60);
    }

    private static void assertPlayedAv1(JsonNode result, String mode) {
        JsonNode last = result.path("last");
        assertTrue(result.path("mseAv1").asBoolean(), "this Chromium decodes AV1 in MSE: " + result);
        assertEquals(mode, last.path("mode").asText(), result.toString());
        assertTrue(result.path("advancedS").asDouble() >= PLAY_S,
                "played " + result.path("advancedS") + " s in " + result.path("waitedMs") + " ms: " + result);
        assertEquals(320, last.path("videoWidth").asInt(), last.toString());
        assertEquals(180, last.path("videoHeight").asInt(), last.toString());
        // The video SourceBuffer holds one range: each hole is frames the browser dropped (mpegts.js once appended a
        // new init segment at every AV1 key frame, and Chromium dropped the frames before it).
        int videoBuffers = 0;
        for (JsonNode buffer : last.path("sourceBuffers")) {
            if (buffer.path("type").asText().startsWith("video/") && !buffer.path("removed").asBoolean()) {
                videoBuffers++;
                assertEquals(1, buffer.path("buffered").size(), "holes in the buffered video: " + buffer
                        + " in " + result.path("trace"));
            }
        }
        assertEquals(1, videoBuffers, "video SourceBuffers: " + last.path("sourceBuffers"));
        // Decoded at least 90 % of the frames of the time played (a live player may skip a few to keep up).
        assertTrue(last.path("totalVideoFrames").asInt() >= 0.9 * last.path("playedS").asDouble() * FPS,
                "decoded frames: " + last.path("totalVideoFrames") + " in " + last);
    }
}
