package io.ringcast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.web.RingcastServer;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.web.testing.Http;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One published stream, every kind of viewer at once: RTMP play, HTTP-FLV and HLS, each decoded by a real ffmpeg;
 * and audio-only / video-only publishes over all three.
 */
@Timeout(180)
class AllViewersEndToEndTest {
    private static final int FPS = 30;

    private RingcastServer server;
    private String rtmpBase;
    private String httpBase;
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();

    @BeforeEach
    void start() {
        Ffmpeg.assumeInstalled();
        server = cleanup.add(RingcastServer.start(TestConfig.loopback().configFile(), OptionalInt.empty()));
        rtmpBase = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/";
        httpBase = "http://127.0.0.1:" + server.httpPort() + "/live/";
    }

    private Ffmpeg.FfmpegProcess run(List<String> command, String name) throws IOException {
        Ffmpeg.FfmpegProcess p = Ffmpeg.start(command, name);
        cleanup.add(p);
        return p;
    }

    /** An ffmpeg that decodes {@code seconds} of the URL into frame checksums (one line per decoded frame). */
    private Ffmpeg.FfmpegProcess decode(String url, int seconds, String name) throws IOException {
        return run(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error", "-i", url,
                "-t", String.valueOf(seconds), "-f", "framecrc", "-"), name);
    }

    private void awaitPlaylist(String name) {
        Await.until("an HLS playlist with segments for " + name, Duration.ofSeconds(30), () -> {
            try {
                HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/" + name + ".m3u8");
                return c.getResponseCode() == 200 && Http.body(c).contains("#EXTINF");
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void shouldDecodeRtmpHttpFlvAndHlsViewersOfOneStreamAtOnce() throws Exception {
        Ffmpeg.FfmpegProcess publisher = run(Ffmpeg.publishArgs(rtmpBase + "x", "1280x720", FPS, 40), "publish");
        awaitPlaylist("x");

        Ffmpeg.Probe hlsProbe = Ffmpeg.probe(httpBase + "x.m3u8", 30);
        assertEquals("h264", hlsProbe.get("video", "codec_name"), hlsProbe.output());
        assertEquals("1280", hlsProbe.get("video", "width"));
        assertEquals("720", hlsProbe.get("video", "height"));
        assertEquals("aac", hlsProbe.get("audio", "codec_name"), hlsProbe.output());

        Ffmpeg.FfmpegProcess rtmp = decode(rtmpBase + "x", 10, "rtmp-viewer");
        Ffmpeg.FfmpegProcess flv = decode(httpBase + "x.flv", 10, "flv-viewer");
        Ffmpeg.FfmpegProcess hls = decode(httpBase + "x.m3u8", 10, "hls-viewer");
        for (Ffmpeg.FfmpegProcess viewer : List.of(rtmp, flv, hls)) {
            assertEquals(0, viewer.await(90), viewer.commandLine() + "\n" + viewer.output());
            long[] frames = viewer.decodedFramesPerStream();
            assertTrue(frames[0] >= 10 * FPS - 1 || frames[1] >= 10 * FPS - 1,
                    "10 s of video decoded by " + viewer.commandLine() + ": " + frames[0] + "/" + frames[1]);
            assertTrue(frames[0] > 0 && frames[1] > 0, "both tracks decoded: " + frames[0] + "/" + frames[1]);
        }
        assertTrue(publisher.process().isAlive(), "the publisher was never disturbed");

        server.engine().sampleLatency();
        JsonNode stats = new ObjectMapper().readTree(Http.body(Http.open(server.httpPort(), "GET",
                "/api/streams/live/x")));
        for (String protocol : List.of("rtmp", "httpflv")) {
            JsonNode latency = stats.get("latency").get(protocol);
            assertNotNull(latency, protocol + " latency in " + stats);
            assertTrue(latency.get("count").asLong() > 100, protocol + ": " + latency);
            System.out.printf("server-added latency %s: count=%d p50=%.0f us p99=%.0f us p99.9=%.0f us max=%.0f us%n",
                    protocol, latency.get("count").asLong(), latency.get("p50Us").asDouble(),
                    latency.get("p99Us").asDouble(), latency.get("p999Us").asDouble(),
                    latency.get("maxUs").asDouble());
        }
        JsonNode hlsStats = stats.get("hls");
        assertNotNull(hlsStats, "segment availability in the stats: " + stats);
        System.out.println("hls: " + hlsStats);
    }

    @Test
    void shouldPlayVideoOnlyAndAudioOnlyPublishesOverAllThreeProtocols() throws Exception {
        List<String> videoOnly = new ArrayList<>(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-loglevel",
                "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", "300", "-c:v", "libx264",
                "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-g", "60", "-an", "-f",
                "flv", rtmpBase + "v"));
        List<String> audioOnly = new ArrayList<>(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-loglevel",
                "error", "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "300", "-c:a",
                "aac", "-vn", "-f", "flv", rtmpBase + "a"));
        run(videoOnly, "publish-v");
        run(audioOnly, "publish-a");
        awaitPlaylist("v");
        awaitPlaylist("a");
        assertNull(server.engine().streams().find(StreamPath.parse("live/a")).track(TrackKind.VIDEO).format(),
                "the audio-only stream has no video format");
        // Publishers run longer than the test (stopped in teardown), so PublishTimeout never ends a stream here.
        List<String> videoUrls = List.of(rtmpBase + "v", httpBase + "v.flv", httpBase + "v.m3u8");
        List<String> audioUrls = List.of(rtmpBase + "a", httpBase + "a.flv", httpBase + "a.m3u8");
        List<Ffmpeg.FfmpegProcess> videoViewers = new ArrayList<>();
        List<Ffmpeg.FfmpegProcess> audioViewers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            videoViewers.add(decode(videoUrls.get(i), 3, "viewer-v" + i));
            audioViewers.add(decode(audioUrls.get(i), 3, "viewer-a" + i));
        }
        for (String url : videoUrls) {
            Ffmpeg.Probe probe = Ffmpeg.probe(url, 30);
            assertEquals("h264", probe.get("video", "codec_name"), url + "\n" + probe.output());
            assertNull(probe.get("audio", "codec_name"), "no audio stream in " + url + "\n" + probe.output());
        }
        for (String url : audioUrls) {
            Ffmpeg.Probe probe = Ffmpeg.probe(url, 30);
            assertEquals("aac", probe.get("audio", "codec_name"), url + "\n" + probe.output());
            assertNull(probe.get("video", "codec_name"), "no video stream in " + url + "\n" + probe.output());
        }
        for (Ffmpeg.FfmpegProcess viewer : videoViewers) {
            assertEquals(0, viewer.await(60), viewer.output());
            assertTrue(viewer.decodedFramesPerStream()[0] >= 3 * FPS - 1, "3 s of video: " + viewer.commandLine());
        }
        for (Ffmpeg.FfmpegProcess viewer : audioViewers) {
            assertEquals(0, viewer.await(60), viewer.output());
            assertTrue(viewer.decodedFramesPerStream()[0] >= 3 * 44_100 / 1024 - 2,
                    "3 s of audio: " + viewer.commandLine());
        }
    }

    @Test
    void shouldDropVideoEverywhereWhenEnableVideoIsFalse() throws Exception {
        server.close();
        server = cleanup.add(RingcastServer.start(TestConfig.loopback().toml("""
                [Engine]
                EnableVideo = false
                """).configFile(), OptionalInt.empty()));
        rtmpBase = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/";
        httpBase = "http://127.0.0.1:" + server.httpPort() + "/live/";
        run(Ffmpeg.publishArgs(rtmpBase + "n", "640x360", FPS, 300), "publish-n");
        awaitPlaylist("n");
        for (String url : List.of(rtmpBase + "n", httpBase + "n.flv", httpBase + "n.m3u8")) {
            Ffmpeg.Probe probe = Ffmpeg.probe(url, 30);
            assertEquals("aac", probe.get("audio", "codec_name"), url + "\n" + probe.output());
            assertNull(probe.get("video", "codec_name"), "video dropped from " + url + "\n" + probe.output());
        }
    }
}
