package io.ringcast.web.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.LoopbackServer;
import io.ringcast.web.testing.SyntheticStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /stat/livestat} compared field by field with livego's shape ({@code protocol/api/api.go}: the
 * {@code stream} struct's JSON names in their order, unsigned integers, nil slices as null, the 404 text), with a
 * real ffmpeg publisher, an HTTP-FLV viewer and an ffmpeg RTMP player: their byte counts grow, and the speeds are
 * bytes per millisecond (ffmpeg publishes 1500 kbit/s of video, about 187 bytes/ms, and 128 kbit/s of audio, 16).
 */
@Timeout(90)
class LiveStatTest {
    /** livego's {@code stream} struct, in its field order (Go marshals struct fields in order). */
    private static final List<String> FIELDS = List.of("key", "url", "stream_id", "video_total_bytes", "video_speed",
            "audio_total_bytes", "audio_speed");
    private static final ObjectMapper JSON = new ObjectMapper();

    private LoopbackServer server;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() {
        server = LoopbackServer.start("");
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        server.close();
    }

    private record Answer(int httpStatus, String body) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    private Answer get(String pathAndQuery) throws Exception {
        HttpURLConnection c = Http.open(server.httpPort(), "GET", pathAndQuery);
        int status = c.getResponseCode();
        assertEquals("application/json;charset=UTF-8", c.getContentType().replace(" ", ""));
        return new Answer(status, Http.body(c));
    }

    @Test
    void shouldAnswerNullListsWithoutStreamsAnd404ForAnUnknownRoom() throws Exception {
        assertEquals(new Answer(200, "{\"status\":200,\"data\":{\"publishers\":null,\"players\":null}}"),
                get("/stat/livestat"));
        assertEquals(new Answer(404, "{\"status\":404,\"data\":\"room not found or inactive\"}"),
                get("/stat/livestat?room=live/none"));
        assertEquals(404, get("/stat/livestat?room=not-a-path").httpStatus());
        try (SyntheticStream lone = new SyntheticStream(server.engine(), "live/lone")) {
            JsonNode data = get("/stat/livestat?room=live/lone").json().get("data");
            assertEquals(1, data.get("publishers").size());
            assertTrue(data.get("players").isNull(), "a stream without viewers has players null: " + data);
            lone.video(SyntheticStream.videoFrame(1, true, 100), true, 40);
        }
    }

    @Test
    void shouldReportAnFfmpegPublisherAndAnHttpFlvViewerInLivegosShape() throws Exception {
        Ffmpeg.assumeInstalled();
        String rtmp = "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/cam";
        Ffmpeg.FfmpegProcess publisher = Ffmpeg.start(Ffmpeg.publishArgs(rtmp, "640x360", 25, 40), "livestat-pub");
        toClose.add(publisher);
        StreamPath path = StreamPath.parse("live/cam");
        Await.until("ffmpeg publishes live/cam", Duration.ofSeconds(20),
                () -> server.engine().streams().find(path) != null
                        && server.engine().streams().find(path).hasMedia());
        SyntheticStream other = new SyntheticStream(server.engine(), "live/other");
        toClose.add(other);

        AtomicLong viewerBytes = new AtomicLong();
        HttpURLConnection viewer = Http.open(server.httpPort(), "GET", "/live/cam.flv");
        assertEquals(200, viewer.getResponseCode());
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = viewer.getInputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    viewerBytes.addAndGet(n);
                }
            } catch (java.io.IOException e) {
                // the test ends the viewer by disconnecting
            }
        }, "livestat-viewer");
        reader.setDaemon(true);
        reader.start();
        toClose.add(viewer::disconnect);

        // Rates are sampled each second: wait for two samples with traffic in them.
        Await.until("publisher and player speeds", Duration.ofSeconds(30), () -> {
            JsonNode data = uncheckedData("/stat/livestat?room=live/cam");
            return data.get("players").isArray()
                    && data.get("publishers").get(0).get("video_speed").asLong() > 0
                    && data.get("players").get(0).get("video_speed").asLong() > 0
                    && data.get("players").get(0).get("audio_speed").asLong() > 0;
        });
        Answer all = get("/stat/livestat");
        assertEquals(200, all.httpStatus());
        JsonNode httpFlvOnly = all.json();

        // An RTMP player is a ring subscriber too, listed with its RTMP URL.
        Ffmpeg.FfmpegProcess rtmpPlayer = Ffmpeg.start(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats",
                "-loglevel", "error", "-i", rtmp, "-t", "30", "-c", "copy", "-f", "null", "-"), "livestat-play");
        toClose.add(rtmpPlayer);
        Await.until("the RTMP player listed", Duration.ofSeconds(20), () -> {
            JsonNode players = uncheckedData("/stat/livestat?room=live/cam").get("players");
            return players.size() == 2 && players.get(1).get("video_total_bytes").asLong() > 0
                    && players.get(1).get("audio_total_bytes").asLong() > 0; // both tracks reached it
        });
        JsonNode rtmpEntry = get("/stat/livestat?room=live/cam").json().get("data").get("players").get(1);
        assertLivegoEntry(rtmpEntry);
        assertEquals(rtmp, rtmpEntry.get("url").asText());
        assertTrue(rtmpEntry.get("audio_total_bytes").asLong() > 0, rtmpEntry.toString());
        rtmpPlayer.close();
        Await.until("the RTMP player unlisted", Duration.ofSeconds(20),
                () -> uncheckedData("/stat/livestat?room=live/cam").get("players").size() == 1);

        JsonNode root = httpFlvOnly;
        assertEquals(List.of("status", "data"), names(root));
        assertEquals(200, root.get("status").asInt());
        assertEquals(List.of("publishers", "players"), names(root.get("data")));
        JsonNode publishers = root.get("data").get("publishers");
        assertEquals(2, publishers.size(), "both streams: " + publishers);
        for (JsonNode entry : publishers) {
            assertLivegoEntry(entry);
        }
        JsonNode cam = publishers.get(0);
        assertEquals("live/cam", cam.get("key").asText(), "sorted by key");
        assertEquals("live/other", publishers.get(1).get("key").asText());
        assertEquals("rtmp://127.0.0.1:" + server.rtmpPort() + "/live/cam", cam.get("url").asText());
        assertEquals(1, cam.get("stream_id").asInt());
        assertTrue(cam.get("video_total_bytes").asLong() > 10_000, cam.toString());
        assertTrue(cam.get("audio_total_bytes").asLong() > 1_000, cam.toString());
        long videoBytesPerMs = cam.get("video_speed").asLong();
        long audioBytesPerMs = cam.get("audio_speed").asLong();
        assertTrue(videoBytesPerMs >= 37 && videoBytesPerMs <= 750, "bytes/ms of a 1500k video: " + cam);
        assertTrue(audioBytesPerMs >= 3 && audioBytesPerMs <= 50, "bytes/ms of a 128k audio: " + cam);

        JsonNode players = root.get("data").get("players");
        assertEquals(1, players.size(), "the HTTP-FLV viewer alone then: " + players);
        JsonNode player = players.get(0);
        assertLivegoEntry(player);
        assertEquals("live/cam", player.get("key").asText());
        assertEquals("http://127.0.0.1:" + server.httpPort() + "/live/cam.flv", player.get("url").asText());
        assertEquals(1, player.get("stream_id").asInt());
        long playerVideo = player.get("video_total_bytes").asLong();
        assertTrue(playerVideo > 10_000 && player.get("audio_total_bytes").asLong() > 1_000, player.toString());
        assertTrue(playerVideo <= cam.get("video_total_bytes").asLong() + 1_000_000, "sent at most what came in");
        assertTrue(viewerBytes.get() > 0, "the viewer reads FLV");
        assertTrue(player.get("video_speed").asLong() >= 0 && player.get("audio_speed").asLong() >= 0);

        JsonNode room = get("/stat/livestat?room=live/other").json().get("data");
        assertEquals(1, room.get("publishers").size());
        assertEquals("live/other", room.get("publishers").get(0).get("key").asText());
        assertTrue(room.get("players").isNull(), "the room filter leaves live/cam's viewer out: " + room);
        JsonNode camRoom = get("/stat/livestat?room=live/cam").json().get("data");
        assertEquals("live/cam", camRoom.get("publishers").get(0).get("key").asText());
        assertEquals(1, camRoom.get("publishers").size());
        assertEquals(1, camRoom.get("players").size());

        viewer.disconnect();
        Stream stream = server.engine().streams().find(path);
        assertNotNull(stream);
        Await.until("the viewer is gone from the list", Duration.ofSeconds(10), () -> stream.subscribers().isEmpty());
        assertTrue(get("/stat/livestat?room=live/cam").json().get("data").get("players").isNull());
    }

    /** livego's field names in order, strings for key and url, non-negative integers for the rest. */
    private static void assertLivegoEntry(JsonNode entry) {
        assertEquals(FIELDS, names(entry), entry.toString());
        assertTrue(entry.get("key").isTextual() && entry.get("url").isTextual(), entry.toString());
        for (String number : FIELDS.subList(2, FIELDS.size())) {
            assertTrue(entry.get(number).isIntegralNumber(), number + " is an integer: " + entry);
            assertTrue(entry.get(number).asLong() >= 0, number + " is unsigned: " + entry);
        }
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private JsonNode uncheckedData(String pathAndQuery) {
        try {
            return get(pathAndQuery).json().get("data");
        } catch (Exception e) {
            throw new AssertionError("GET " + pathAndQuery, e);
        }
    }
}
