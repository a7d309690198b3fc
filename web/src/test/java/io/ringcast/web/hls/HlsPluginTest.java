package io.ringcast.web.hls;

import io.ringcast.broadcast.hls.HlsConfig;
import io.ringcast.broadcast.hls.HlsPlugin;
import io.ringcast.broadcast.hls.HlsSegmenter;
import io.ringcast.broadcast.hls.HlsStats;
import io.ringcast.broadcast.hls.HlsStreams;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.tap.TapPool;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.SyntheticStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.*;

/** The HLS plugin in the whole server: a tap per stream, discontinuities, the servlet, disabling it. */
@Timeout(60)
class HlsPluginTest {
    private RingcastServer server;

    @BeforeEach
    void start() {
        server = RingcastServer.start(TestConfig.loopback().toml("""
                [rtmp]
                enable = false
                [hls]
                segment_duration_ms = 900
                """).configFile(), OptionalInt.empty());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Two seconds of 30 fps video (keyframes at 0 and 990 ms: 900 ms segments) and audio, from {@code startMs}. */
    private static void publishTwoSeconds(SyntheticStream stream, long startMs) {
        for (int i = 0; i < 60; i++) {
            long ts = startMs + i * 33L;
            stream.video(SyntheticStream.videoFrame(i, i % 30 == 0, 800), i % 30 == 0, ts);
            stream.audio(SyntheticStream.audioFrame(i, 120), ts + 10);
        }
    }

    private String playlist() throws IOException {
        HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/h.m3u8");
        return c.getResponseCode() == 200 ? Http.body(c) : "";
    }

    private String describe() {
        HlsStats s = stats();
        try {
            return "published=" + s.segmentsPublished() + " muxed=" + s.framesMuxed() + " dropped="
                    + s.framesDropped() + " ignored=" + s.framesIgnored() + " malformed=" + s.framesMalformed()
                    + "\n" + playlist();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private HlsStats stats() {
        return server.engine().service(HlsStreams.class).find(StreamPath.parse("live/h")).stats();
    }

    @Test
    void shouldMuxEveryFrameOfTwelveStreamsOnTheBoundedPoolAndCreateNoMuxerForAStreamWithoutMedia() {
        int poolThreads = TapPool.defaultThreads(HlsPlugin.DEFAULT_MAX_THREADS);
        assertEquals(poolThreads, hlsMuxingThreads(), "the pool starts with the plugin");
        StreamPath empty = StreamPath.parse("live/empty");
        assertNotNull(server.engine().streams().publish(empty, new PublisherInfo("test", "127.0.0.1:1", 0), false));
        List<SyntheticStream> streams = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            SyntheticStream stream = new SyntheticStream(server.engine(), "live/pooled" + i);
            streams.add(stream);
            publishTwoSeconds(stream, 0);
        }
        HlsStreams hls = server.engine().service(HlsStreams.class);
        for (int i = 0; i < 12; i++) {
            StreamPath path = StreamPath.parse("live/pooled" + i);
            Await.until("every frame of " + path + " muxed", Duration.ofSeconds(10),
                    () -> hls.find(path) != null && hls.find(path).stats().framesMuxed() == 120,
                    () -> hls.find(path) == null ? "no HLS stream" : "muxed " + hls.find(path).stats().framesMuxed());
            assertEquals(0, hls.find(path).stats().framesDropped());
            assertTrue(hls.find(path).stats().segmentsPublished() >= 1);
        }
        assertNotNull(hls.find(empty), "listed at once, as before");
        assertTrue(hls.find(empty).window().isEmpty());
        assertEquals(0, hls.find(empty).stats().framesMuxed());
        HlsSegmenter idle = new HlsStreams(HlsConfig.defaults()).open(StreamPath.parse("live/idle"));
        assertEquals(0, idle.segmentBufferCapacity(), "no muxing buffers before the first segment");
        assertEquals(poolThreads, hlsMuxingThreads(), "13 streams, no thread more");
        streams.forEach(SyntheticStream::close);
    }

    private static long hlsMuxingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().matches("ringcast-hls-\\d+")).count();
    }

    @Test
    void shouldMarkADiscontinuityWhenThePublisherReconnects() throws Exception {
        SyntheticStream first = new SyntheticStream(server.engine(), "live/h");
        publishTwoSeconds(first, 0);
        first.close();
        SyntheticStream second = new SyntheticStream(server.engine(), "live/h");
        publishTwoSeconds(second, 0);
        publishTwoSeconds(second, 2_000);
        Await.until("a discontinuity in the playlist", Duration.ofSeconds(10),
                () -> {
                    try {
                        return playlist().contains("#EXT-X-DISCONTINUITY\n");
                    } catch (IOException e) {
                        return false;
                    }
                });
        assertTrue(playlist().contains("#EXT-X-DISCONTINUITY-SEQUENCE:0"), playlist());
    }

    @Test
    void shouldMarkADiscontinuityWhenTheVideoCodecChangesAndKeepTheAudio() throws Exception {
        SyntheticStream stream = new SyntheticStream(server.engine(), "live/h");
        publishTwoSeconds(stream, 0);
        byte[] changed = SyntheticStream.AVC_SEQUENCE_HEADER.clone();
        changed[16] = 0x1e; // the SPS's level_idc: another valid configuration, as after an encoder change
        stream.videoSequenceHeader(changed, 2_000);
        publishTwoSeconds(stream, 2_000);
        publishTwoSeconds(stream, 4_000);
        Await.until("a discontinuity after the codec change", Duration.ofSeconds(10), () -> {
            try {
                return playlist().contains("#EXT-X-DISCONTINUITY\n") && stats().segmentsPublished() >= 4;
            } catch (IOException e) {
                return false;
            }
        });
        assertEquals(0, stats().framesMalformed(), describe());
        assertEquals(0, stats().framesDropped(), "audio kept its configuration across the video change: "
                + describe());
    }

    @Test
    void shouldNotMarkADiscontinuityForARepeatedIdenticalSequenceHeader() throws Exception {
        SyntheticStream stream = new SyntheticStream(server.engine(), "live/h");
        publishTwoSeconds(stream, 0);
        stream.videoSequenceHeader(SyntheticStream.AVC_SEQUENCE_HEADER, 2_000);
        publishTwoSeconds(stream, 2_000);
        publishTwoSeconds(stream, 4_000);
        Await.until("segments", Duration.ofSeconds(10), () -> stats().segmentsPublished() >= 4, this::describe);
        assertFalse(playlist().contains("#EXT-X-DISCONTINUITY\n"), playlist());
    }

    @Test
    void shouldRemoveTheHlsEndpointsWhenDisabled() throws Exception {
        server.close();
        server = RingcastServer.start(TestConfig.loopback().toml("""
                [rtmp]
                enable = false
                [hls]
                enable = false
                """).configFile(), OptionalInt.empty());
        SyntheticStream stream = new SyntheticStream(server.engine(), "live/h");
        publishTwoSeconds(stream, 0);
        assertNull(server.engine().service(HlsStreams.class));
        HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/h.m3u8");
        assertEquals(404, c.getResponseCode());
        assertEquals(200, Http.open(server.httpPort(), "GET", "/live/h.flv").getResponseCode(),
                "HTTP-FLV is unaffected");
    }
}
