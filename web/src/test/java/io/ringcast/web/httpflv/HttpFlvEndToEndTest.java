package io.ringcast.web.httpflv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;
import io.ringcast.broadcast.media.flv.FlvTag;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.web.testing.FlvStreamReader;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.SyntheticStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class HttpFlvEndToEndTest {
    private static final String CONFIG = """
            [http]
            fanout_threads = 2
            """;

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private RingcastServer server;
    private SyntheticStream stream;

    @BeforeEach
    void startServer() {
        server = cleanup.add(RingcastServer.start(TestConfig.loopback().toml(CONFIG).configFile(),
                OptionalInt.empty()));
    }

    @Test
    void shouldStreamHeaderMetadataSequenceHeadersThenFramesFromTheKeyframeIntact() throws Exception {
        stream = cleanup.add(new SyntheticStream(server.engine(), "live/cam"));
        List<byte[]> sent = new ArrayList<>();
        List<Integer> sentTypes = new ArrayList<>();
        List<Long> sentTimestamps = new ArrayList<>();
        byte[] first = SyntheticStream.videoFrame(0, true, 3000);
        stream.video(first, true, 1000);
        record(sent, sentTypes, sentTimestamps, first, FlvTag.TYPE_VIDEO, 1000);

        HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/cam.flv");
        assertEquals(200, c.getResponseCode());
        assertEquals("video/x-flv", c.getContentType());
        assertEquals("no-cache", c.getHeaderField("Cache-Control"));
        assertEquals("*", c.getHeaderField("Access-Control-Allow-Origin"));
        assertEquals(-1, c.getContentLengthLong(), "a live stream has no length");
        try (InputStream in = c.getInputStream()) {
            FlvStreamReader flv = new FlvStreamReader(in);
            assertEquals(0x05, flv.readHeader(), "audio and video flags");
            assertTag(flv.next(), FlvTag.TYPE_SCRIPT, 0, SyntheticStream.METADATA);
            assertTag(flv.next(), FlvTag.TYPE_VIDEO, 0, SyntheticStream.AVC_SEQUENCE_HEADER);
            assertTag(flv.next(), FlvTag.TYPE_AUDIO, 0, SyntheticStream.AAC_SEQUENCE_HEADER);
            FlvStreamReader.Tag keyframe = flv.next();
            assertTag(keyframe, FlvTag.TYPE_VIDEO, 1000, first);
            assertEquals(0x17, keyframe.body()[0] & 0xff, "the first video frame is a keyframe");

            for (int i = 1; i <= 120; i++) {
                long ts = 1000 + i * 20L;
                if (i % 2 == 0) {
                    byte[] audio = SyntheticStream.audioFrame(i, 200 + i);
                    stream.audio(audio, ts);
                    record(sent, sentTypes, sentTimestamps, audio, FlvTag.TYPE_AUDIO, ts);
                } else {
                    boolean key = i % 30 == 1;
                    byte[] video = SyntheticStream.videoFrame(i, key, 1000 + 97 * i);
                    stream.video(video, key, ts);
                    record(sent, sentTypes, sentTimestamps, video, FlvTag.TYPE_VIDEO, ts);
                }
            }
            long lastTimestamp = 0;
            for (int i = 1; i < sent.size(); i++) {
                FlvStreamReader.Tag tag = flv.next();
                assertTag(tag, sentTypes.get(i), sentTimestamps.get(i), sent.get(i));
                assertTrue(tag.timestampMs() >= lastTimestamp, "timestamps never go back");
                lastTimestamp = tag.timestampMs();
            }

            var latency = server.engine().streams().find(StreamPath.parse("live/cam")).latency("httpflv");
            // Every frame published after the viewer joined; the keyframe it started at was in the ring before.
            Await.until("latency recorded for the frames the viewer read", Duration.ofSeconds(10), () -> {
                server.engine().sampleLatency();
                return latency.total().getTotalCount() >= sent.size() - 1;
            });
            assertEquals(sent.size() - 1, latency.total().getTotalCount());
            JsonNode json = new ObjectMapper().readTree(Http.body(
                    Http.open(server.httpPort(), "GET", "/api/streams/live/cam")));
            assertEquals("live/cam", json.get("path").asText());
            assertEquals("PUBLISHING", json.get("state").asText());
            assertEquals(1, json.get("subscribers").get("total").asInt());
            assertEquals(1, json.get("subscribers").get("byProtocol").get("httpflv").asInt());
            JsonNode httpflv = json.get("latency").get("httpflv");
            assertEquals(sent.size() - 1, httpflv.get("count").asLong(), json.toString());
            assertTrue(httpflv.get("p50Us").asDouble() > 0 && httpflv.get("maxUs").asDouble()
                    >= httpflv.get("p99Us").asDouble(), json.toString());
            JsonNode video = json.get("publisher").get("video");
            assertEquals("h264", video.get("codec").asText());
            assertEquals(640, video.get("width").asInt());
            assertEquals(360, video.get("height").asInt());
            assertTrue(video.get("bytes").asLong() > 60 * 1000, json.toString());
            JsonNode audio = json.get("publisher").get("audio");
            assertEquals("aac", audio.get("codec").asText());
            assertEquals(44_100, audio.get("sampleRateHz").asInt());
            assertEquals(2, audio.get("channels").asInt());
            assertEquals("test", json.get("publisher").get("protocol").asText());
            assertEquals("2023-11-14T22:13:20Z", json.get("publisher").get("since").asText());
        }
    }

    @Test
    void shouldListLiveStreamsAndAnswerUnknownStreamStatsWithJson404() throws Exception {
        stream = cleanup.add(new SyntheticStream(server.engine(), "live/a"));

        HttpURLConnection list = Http.open(server.httpPort(), "GET", "/api/streams");
        assertEquals(200, list.getResponseCode());
        assertEquals("application/json;charset=UTF-8", list.getContentType().replace(" ", ""));
        assertEquals("*", list.getHeaderField("Access-Control-Allow-Origin"));
        JsonNode streams = new ObjectMapper().readTree(Http.body(list)).get("streams");
        assertEquals(1, streams.size());
        assertEquals("live/a", streams.get(0).get("path").asText());
        assertEquals(0, streams.get(0).get("subscribers").get("total").asInt());

        HttpURLConnection missing = Http.open(server.httpPort(), "GET", "/api/streams/live/nope");
        assertEquals(404, missing.getResponseCode());
        assertTrue(new ObjectMapper().readTree(Http.body(missing)).get("error").asText().contains("live/nope"));
    }

    @Test
    void shouldAnswer404ForAStreamThatIsNotLive() throws Exception {
        HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/missing.flv");

        assertEquals(404, c.getResponseCode());
        assertEquals("*", c.getHeaderField("Access-Control-Allow-Origin"));
        assertTrue(Http.body(c).contains("live/missing"));
    }

    @Test
    void shouldAnswer400ForPathsThatAreNotAppSlashName() throws Exception {
        for (String path : List.of("/a/b/c.flv", "/alone.flv", "/live/b%20ad.flv", "/live/..flv")) {
            HttpURLConnection c = Http.open(server.httpPort(), "GET", path);
            assertEquals(400, c.getResponseCode(), path);
            assertTrue(Http.body(c).startsWith("bad stream path"), path);
        }
    }

    @Test
    void shouldAnswerCorsPreflightWith204() throws Exception {
        HttpURLConnection c = Http.open(server.httpPort(), "OPTIONS", "/live/any.flv");

        assertEquals(204, c.getResponseCode());
        assertEquals("*", c.getHeaderField("Access-Control-Allow-Origin"));
        assertTrue(c.getHeaderField("Access-Control-Allow-Methods").contains("GET"));
        assertTrue(c.getHeaderField("Access-Control-Allow-Methods").contains("OPTIONS"));
        assertEquals("*", c.getHeaderField("Access-Control-Allow-Headers"));
        assertEquals("86400", c.getHeaderField("Access-Control-Max-Age"));
    }

    @Test
    void shouldAnswerHeadWithTheGetStatusAndNoBody() throws Exception {
        stream = cleanup.add(new SyntheticStream(server.engine(), "live/h"));

        HttpURLConnection live = Http.open(server.httpPort(), "HEAD", "/live/h.flv");
        assertEquals(200, live.getResponseCode());
        assertEquals("video/x-flv", live.getContentType());
        assertEquals("", Http.body(live));
        assertEquals(0, server.engine().streams().find(StreamPath.parse("live/h")).subscriberCount());

        assertEquals(404, Http.open(server.httpPort(), "HEAD", "/live/none.flv").getResponseCode());
    }

    @Test
    void shouldAnswer503WhenTheEngineRefusesTheViewer() throws Exception {
        stream = cleanup.add(new SyntheticStream(server.engine(), "live/full"));
        server.engine().fanout().close();

        HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/full.flv");

        assertEquals(503, c.getResponseCode());
        assertEquals("*", c.getHeaderField("Access-Control-Allow-Origin"));
    }

    @Test
    void shouldCountTheViewerOutWhenItDisconnects() throws Exception {
        stream = cleanup.add(new SyntheticStream(server.engine(), "live/bye"));
        stream.video(SyntheticStream.videoFrame(0, true, 500), true, 0);
        var live = server.engine().streams().find(StreamPath.parse("live/bye"));

        HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/bye.flv");
        FlvStreamReader flv = new FlvStreamReader(c.getInputStream());
        flv.readHeader();
        assertEquals(1, live.subscriberCount());
        c.disconnect();

        int[] index = {1};
        Await.until("the viewer is counted out after its connection closed", Duration.ofSeconds(10), () -> {
            // Writes are what reveal a closed connection; keep the stream moving.
            stream.video(SyntheticStream.videoFrame(index[0]++, false, 20_000), false, index[0] * 40L);
            return live.subscriberCount() == 0;
        });
    }

    private static void record(List<byte[]> bodies, List<Integer> types, List<Long> timestamps, byte[] body, int type,
                               long ts) {
        bodies.add(body);
        types.add(type);
        timestamps.add(ts);
    }

    private static void assertTag(FlvStreamReader.Tag tag, int type, long timestampMs, byte[] body) {
        assertTrue(tag != null, "stream ended early");
        assertEquals(type, tag.type(), "tag type");
        assertEquals(timestampMs, tag.timestampMs(), "tag timestamp");
        assertArrayEquals(body, tag.body(), "tag body");
    }
}
