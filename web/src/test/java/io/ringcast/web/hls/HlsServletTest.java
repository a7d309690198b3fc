package io.ringcast.web.hls;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.hls.FlvTestFile;
import io.ringcast.broadcast.hls.HlsConfig;
import io.ringcast.broadcast.hls.HlsSegment;
import io.ringcast.broadcast.hls.HlsSegmenter;
import io.ringcast.broadcast.hls.HlsStreams;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.web.endpoint.Endpoint;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.ServletUnderTest;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * HlsServlet alone in an embedded Undertow on loopback, mapped as the server maps it: *.m3u8 and *.ts, with async
 * support (segments above {@code ResponseBody.BLOCKING_MAX_BYTES} go out through async writes), behind its endpoint
 * filter (CORS), with an engine that is never started (no play tokens).
 */
@Timeout(60)
class HlsServletTest {
    private static final StreamPath PATH = StreamPath.parse("live/x");

    @TempDir
    static Path sources;
    private static List<FlvTestFile.Frame> frames;

    private HlsStreams streams;
    private Engine engine;
    private ServletUnderTest servlet;
    private int port;

    @BeforeAll
    static void makeSource() throws Exception {
        Ffmpeg.assumeInstalled();
        frames = FlvTestFile.read(FlvTestFile.generate(sources, FlvTestFile.Tracks.BOTH, 7));
    }

    @BeforeEach
    void start() throws Exception {
        streams = new HlsStreams(HlsConfig.defaults());
        engine = new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM, 1);
        servlet = ServletUnderTest.start(HlsServlet.class, engine, Endpoint.HLS, HlsStreams.CONTEXT_ATTRIBUTE, streams,
                "*.m3u8", "*.ts");
        port = servlet.port();
    }

    @AfterEach
    void stop() throws Exception {
        if (servlet != null) {
            servlet.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private HlsSegmenter publish() {
        HlsSegmenter segmenter = streams.open(PATH);
        FlvTestFile.feed(segmenter, frames, 0, new UnsafeBuffer(new byte[1 << 20]), System::nanoTime);
        return segmenter;
    }

    private static byte[] bytes(HttpURLConnection c) throws Exception {
        try (InputStream in = c.getInputStream()) {
            return in.readAllBytes();
        }
    }

    @Test
    void shouldServeThePlaylistUncachedWithCors() throws Exception {
        publish();
        HttpURLConnection c = Http.open(port, "GET", "/live/x.m3u8");
        assertEquals(200, c.getResponseCode());
        assertEquals("application/vnd.apple.mpegurl", c.getContentType());
        assertEquals("no-cache", c.getHeaderField("Cache-Control"));
        assertEquals("*", c.getHeaderField("Access-Control-Allow-Origin"));
        assertEquals(streams.find(PATH).window().playlistText(), Http.body(c));
    }

    @Test
    void shouldServeSegmentsAsCacheableMpegTsWithTheirLength() throws Exception {
        publish();
        HlsSegment segment = streams.find(PATH).window().segment(1);
        HttpURLConnection c = Http.open(port, "GET", "/live/x/1.ts");
        assertEquals(200, c.getResponseCode());
        assertEquals("video/mp2t", c.getContentType());
        assertEquals("public, max-age=60", c.getHeaderField("Cache-Control"));
        assertEquals("*", c.getHeaderField("Access-Control-Allow-Origin"));
        assertEquals(segment.bytes().length, c.getContentLengthLong());
        assertArrayEquals(segment.bytes(), bytes(c));

        HttpURLConnection head = Http.open(port, "HEAD", "/live/x/1.ts");
        assertEquals(200, head.getResponseCode());
        assertEquals(segment.bytes().length, head.getContentLengthLong());
    }

    @Test
    void shouldAnswer404ForUnknownStreamsAndSegmentsOutsideTheWindow() throws Exception {
        assertEquals(404, Http.open(port, "GET", "/live/x.m3u8").getResponseCode(), "unknown stream");
        HlsSegmenter segmenter = streams.open(PATH);
        HttpURLConnection empty = Http.open(port, "GET", "/live/x.m3u8");
        assertEquals(404, empty.getResponseCode(), "no complete segment yet");
        assertEquals("*", empty.getHeaderField("Access-Control-Allow-Origin"));
        streams.close(segmenter);
        publish();
        assertEquals(200, Http.open(port, "GET", "/live/x/0.ts").getResponseCode());
        assertEquals(404, Http.open(port, "GET", "/live/x/3.ts").getResponseCode(), "not yet");
        assertEquals(404, Http.open(port, "GET", "/live/y/0.ts").getResponseCode(), "other stream");
        assertEquals(404, Http.open(port, "GET", "/other/x.m3u8").getResponseCode(), "other app");
    }

    @Test
    void shouldForgetAStreamWhenItsSegmenterIsClosed() throws Exception {
        HlsSegmenter segmenter = publish();
        assertEquals(200, Http.open(port, "GET", "/live/x.m3u8").getResponseCode());
        streams.close(segmenter);
        assertEquals(404, Http.open(port, "GET", "/live/x.m3u8").getResponseCode());
        assertEquals(404, Http.open(port, "GET", "/live/x/0.ts").getResponseCode());
    }

    @Test
    void shouldAnswer400ForMalformedPaths() throws Exception {
        publish();
        for (String bad : new String[]{"/live/x/abc.ts", "/x.m3u8", "/a/b/c.m3u8", "/live/x.ts", "/live/x/-1.ts"}) {
            HttpURLConnection c = Http.open(port, "GET", bad);
            assertEquals(400, c.getResponseCode(), bad);
            assertEquals("*", c.getHeaderField("Access-Control-Allow-Origin"), bad);
        }
    }

    @Test
    void shouldAnswerCorsPreflights() throws Exception {
        HttpURLConnection c = Http.open(port, "OPTIONS", "/live/x.m3u8");
        assertEquals(204, c.getResponseCode());
        assertEquals("*", c.getHeaderField("Access-Control-Allow-Origin"));
        assertTrue(c.getHeaderField("Access-Control-Allow-Methods").contains("GET"));
    }

    @Test
    void shouldLetFfprobeReadH264AndAacFromTheServedPlaylist() throws Exception {
        publish();
        Ffmpeg.Probe probe = Ffmpeg.probe("http://127.0.0.1:" + port + "/live/x.m3u8", 30);
        assertEquals(0, probe.exitCode(), probe.output());
        assertEquals("h264", probe.get("video", "codec_name"), probe.output());
        assertEquals("640", probe.get("video", "width"));
        assertEquals("aac", probe.get("audio", "codec_name"));
        assertEquals("44100", probe.get("audio", "sample_rate"));
    }
}
