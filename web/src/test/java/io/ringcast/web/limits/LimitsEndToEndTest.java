package io.ringcast.web.limits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.ingest.testing.Ffmpeg;
import io.ringcast.web.RingcastServer;
import io.ringcast.web.testing.FlvStreamReader;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.SyntheticStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.*;

/** Limits hit with real clients: clean refusals with a reason, counted, and the server serving on. */
@Timeout(90)
class LimitsEndToEndTest {
    private RingcastServer server;

    @BeforeEach
    void start() {
        server = RingcastServer.start(ConfigFile.parse("""
                [limits]
                max_streams = 1
                max_viewers_per_stream = 1
                [rtmp]
                address = "127.0.0.1"
                port = 0
                [http]
                address = "127.0.0.1"
                port = 0
                """, "limits.toml"), OptionalInt.empty());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode serverStats() throws Exception {
        return new ObjectMapper().readTree(Http.body(Http.open(server.httpPort(), "GET", "/api/server")));
    }

    @Test
    void shouldRefuseAPublisherBeyondMaxStreamsWithAReasonAndKeepServing() throws Exception {
        Ffmpeg.assumeInstalled();
        SyntheticStream first = new SyntheticStream(server.engine(), "live/a");
        first.video(SyntheticStream.videoFrame(0, true, 500), true, 0);
        String url = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/b";
        try (Ffmpeg.FfmpegProcess refused = Ffmpeg.start(Ffmpeg.publishArgs(url, "320x240", 30, 3), "refused")) {
            assertNotEquals(0, refused.await(30), "ffmpeg's publish is refused");
        }
        JsonNode stats = serverStats();
        assertEquals(1, stats.get("refused").get("publishersMaxStreams").asLong(), stats.toString());
        assertEquals(1, stats.get("streams").asInt());
        assertEquals(200, Http.open(server.httpPort(), "GET", "/live/a.flv").getResponseCode(),
                "the accepted stream still plays");
    }

    @Test
    void shouldRefuseAViewerBeyondTheLimitWith503AndAReasonWhileTheFirstWatchesOn() throws Exception {
        SyntheticStream stream = new SyntheticStream(server.engine(), "live/a");
        stream.video(SyntheticStream.videoFrame(0, true, 500), true, 0);
        HttpURLConnection first = Http.open(server.httpPort(), "GET", "/live/a.flv");
        assertEquals(200, first.getResponseCode());
        try (InputStream in = first.getInputStream()) {
            FlvStreamReader flv = new FlvStreamReader(in);
            flv.readHeader();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (server.engine().streams().find(io.ringcast.broadcast.stream.StreamPath.parse("live/a"))
                    .subscriberCount() < 1 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            HttpURLConnection second = Http.open(server.httpPort(), "GET", "/live/a.flv");
            assertEquals(503, second.getResponseCode());
            assertEquals("5", second.getHeaderField("Retry-After"));
            String reason = new String(second.getErrorStream().readAllBytes());
            assertTrue(reason.contains("live/a has its maximum of 1 viewers"), reason);
            assertEquals(1, serverStats().get("refused").get("viewersMaxPerStream").asLong());

            stream.video(SyntheticStream.videoFrame(1, false, 300), false, 33);
            List<Integer> types = new java.util.ArrayList<>();
            while (types.size() < 4) {
                types.add(flv.next().type());
            }
            assertEquals(List.of(18, 9, 8, 9), types, "metadata, sequence headers, frames: the first viewer goes on");
        }
    }
}
