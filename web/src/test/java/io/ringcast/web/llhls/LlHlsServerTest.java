package io.ringcast.web.llhls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.llhls.LlHlsStream;
import io.ringcast.broadcast.llhls.LlHlsStreams;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;
import io.ringcast.web.testing.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LL-HLS in the whole server, as a user runs it: ffmpeg publishes over RTMP, the HLS tap feeds both variants;
 * {@code /llhls/live/x.m3u8} is the LL-HLS playlist and {@code /live/x.m3u8} stays MPEG-TS by default, or answers the
 * LL-HLS playlist with {@code [hls] variant = "fmp4"}, which ffprobe then reads through that URL.
 */
@Timeout(90)
class LlHlsServerTest {
    private RingcastServer server;
    private Ffmpeg.FfmpegProcess publisher;

    @AfterEach
    void stop() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void startAndPublish(TestConfig config) throws IOException {
        Ffmpeg.assumeInstalled();
        server = RingcastServer.start(config.configFile(), OptionalInt.empty());
        String url = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/x";
        publisher = Ffmpeg.start(Ffmpeg.publishArgs(url, "640x360", 30, 30), "publish");
        Await.until("two complete LL-HLS segments", Duration.ofSeconds(30), () -> {
            LlHlsStreams ll = server.engine().service(LlHlsStreams.class);
            LlHlsStream s = ll == null ? null : ll.find(StreamPath.parse("live/x"));
            return s != null && s.window().segments().size() >= 2;
        });
    }

    @Test
    void shouldServeLowLatencyHlsBesideMpegTsByDefault() throws Exception {
        startAndPublish(TestConfig.loopback());

        HttpURLConnection ll = Http.open(server.httpPort(), "GET", "/llhls/live/x.m3u8");
        String llText = Http.body(ll);
        assertEquals(200, ll.getResponseCode(), llText);
        assertTrue(llText.contains("#EXT-X-PART-INF:PART-TARGET=0.200\n"), llText);
        assertTrue(llText.contains("#EXT-X-MAP:URI=\"x/init0.mp4\""), llText);
        String ts = Http.body(Http.open(server.httpPort(), "GET", "/live/x.m3u8"));
        assertTrue(ts.contains(".ts\n") && !ts.contains("EXT-X-PART"), "MPEG-TS at .m3u8: " + ts);
        HttpURLConnection init = Http.open(server.httpPort(), "GET", "/llhls/live/x/init0.mp4");
        assertEquals(200, init.getResponseCode());
        assertEquals("*", init.getHeaderField("Access-Control-Allow-Origin"));

        Ffmpeg.Probe probe = Ffmpeg.probe("http://127.0.0.1:" + server.httpPort() + "/llhls/live/x.m3u8", 30);
        assertEquals("h264", probe.get("video", "codec_name"), probe.output());
        assertEquals("640", probe.get("video", "width"));
        assertEquals("360", probe.get("video", "height"));
        assertEquals("30/1", probe.get("video", "r_frame_rate"), probe.output());
        assertEquals("aac", probe.get("audio", "codec_name"));

        JsonNode stats = new ObjectMapper().readTree(Http.body(Http.open(server.httpPort(), "GET",
                "/api/streams/live/x"))).path("llhls");
        assertEquals(200, stats.path("partTargetMs").asInt(), stats.toString());
        assertTrue(stats.path("segmentsInWindow").asInt() >= 2, stats.toString());
        assertTrue(stats.path("lastPart").asText().matches("\\d+\\.\\d+"), stats.toString());
        assertTrue(stats.path("blockingReloadsWaiting").isInt(), stats.toString());
    }

    @Test
    void shouldAnswerTheLowLatencyPlaylistAtTheDefaultUrlWithVariantFmp4() throws Exception {
        startAndPublish(TestConfig.loopback().set("hls", "variant", "fmp4"));

        HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/x.m3u8");
        String text = Http.body(c);
        assertEquals(200, c.getResponseCode(), text);
        assertTrue(text.contains("#EXT-X-MAP:URI=\"../llhls/live/x/init0.mp4\""), text);
        assertTrue(text.contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"../llhls/live/x/"), text);

        Ffmpeg.Probe probe = Ffmpeg.probe("http://127.0.0.1:" + server.httpPort() + "/live/x.m3u8", 30);
        assertEquals("h264", probe.get("video", "codec_name"), probe.output());
        assertEquals("aac", probe.get("audio", "codec_name"));
        assertEquals(200, Http.open(server.httpPort(), "GET", "/live/x/" + firstTsSequence() + ".ts")
                .getResponseCode(), "the MPEG-TS segments stay where they were");
    }

    private long firstTsSequence() {
        return server.engine().service(io.ringcast.broadcast.hls.HlsStreams.class).find(StreamPath.parse("live/x"))
                .window().firstSequence();
    }
}
