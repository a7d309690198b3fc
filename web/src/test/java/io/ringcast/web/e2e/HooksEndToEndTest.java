package io.ringcast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamState;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.web.testing.FlvStreamReader;
import io.ringcast.web.testing.HookServer;
import io.ringcast.web.testing.HookServer.Reply;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.LoopbackServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hooks through the whole server (issue 17): a test hook service ({@link HookServer}) answers in nginx-rtmp's and
 * SRS's shapes; real clients publish (ffmpeg, the raw RTMP client) and play (RTMP, HTTP-FLV, HLS playlists, the
 * player page); the clients see refusals with the service's reason, a 3xx on play pulls the Location through the
 * relays, a 3xx on publish renames, timeouts, hangs and 500s refuse (or allow with on_failure = "allow"), and
 * notifications are retried.
 */
@Timeout(120)
class HooksEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);

    private HookServer hooks;
    private LoopbackServer server;

    @BeforeEach
    void startHooks() throws IOException {
        hooks = HookServer.start(call -> Reply.of(200, ""));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        hooks.close();
    }

    private LoopbackServer start(String style, Map<String, Object> extra) {
        TestConfig config = TestConfig.loopback()
                .set("hooks", "style", style)
                .set("hooks", "on_publish", hooks.url("/publish"))
                .set("hooks", "on_unpublish", hooks.url("/unpublish"))
                .set("hooks", "on_play", hooks.url("/play"))
                .set("hooks", "on_stop", hooks.url("/stop"))
                .set("hooks", "timeout_ms", 1_000)
                .set("hooks", "notify_backoff_ms", 50);
        extra.forEach((key, value) -> config.set("hooks", key, value));
        server = LoopbackServer.start(config);
        return server;
    }

    @Test
    void shouldSendNginxRtmpFormFieldsOnPublishAndUnpublishFromRealFfmpeg() throws Exception {
        Ffmpeg.assumeInstalled();
        start("nginx-rtmp", Map.of());
        try (Ffmpeg.FfmpegProcess ffmpeg = publish("live/cam?key=s3cret", 2, "hook-publish")) {
            Await.until("live/cam published", WAIT, () -> live("live/cam"));
            assertEquals(0, ffmpeg.await(30), ffmpeg.output());
        }
        Await.until("publish_done told", WAIT, () -> !hooks.calls("/unpublish").isEmpty());
        HookServer.Call publish = hooks.calls("/publish").get(0);
        assertEquals("application/x-www-form-urlencoded", publish.contentType());
        Map<String, String> form = publish.form();
        assertEquals("publish", form.get("call"));
        assertEquals("live", form.get("app"));
        assertEquals("cam", form.get("name"));
        assertEquals("live", form.get("type"));
        assertEquals("127.0.0.1", form.get("addr"));
        assertEquals("s3cret", form.get("key"), "the client's arguments, as nginx-rtmp passes them: " + form);
        assertTrue(form.get("tcurl").startsWith("rtmp://127.0.0.1:"), form.toString());
        assertTrue(form.get("flashver").contains("LNX") || !form.get("flashver").isEmpty(), form.toString());
        Map<String, String> done = hooks.calls("/unpublish").get(0).form();
        assertEquals("publish_done", done.get("call"));
        assertEquals("cam", done.get("name"));
        assertEquals(form.get("clientid"), done.get("clientid"), "the same client id on publish and publish_done");
        JsonNode publishStats = hookStats().path("events").path("publish");
        assertEquals(1, publishStats.path("calls").asLong());
        assertEquals(1, publishStats.path("allowed").asLong());
        assertTrue(publishStats.path("latencyUs").path("count").asLong() >= 1, publishStats.toString());
    }

    @Test
    void shouldRefuseAPublishWithTheHooksReason() throws Exception {
        hooks.answer(call -> Reply.of(403, "banned key"));
        start("nginx-rtmp", Map.of());
        try (RawRtmpClient client = new RawRtmpClient(server.rtmpPort(), 65_536)) {
            RawRtmpClient.Message answer = client.publish("live", "b");
            assertEquals("NetStream.Publish.BadName", answer.statusCode());
            assertEquals("publish refused by the hook: banned key", answer.statusDescription());
        }
        assertNull(server.engine().streams().find(new StreamPath("live", "b")));
        assertEquals(1, hookStats().path("events").path("publish").path("refused").asLong());
    }

    @Test
    void shouldRefuseEveryProtocolsPlayWithTheReasonAndNotAskForSegments() throws Exception {
        hooks.answer(call -> call.path().equals("/play") ? Reply.of(403, "no ticket") : Reply.of(200, ""));
        start("nginx-rtmp", Map.of());
        try (RawRtmpClient client = new RawRtmpClient(server.rtmpPort(), 65_536)) {
            client.requestPlay("live", "x");
            RawRtmpClient.Message failed = client.awaitStatus("NetStream.Play.Failed", 5_000);
            assertEquals("play refused by the hook: no ticket", failed.statusDescription());
        }
        for (String path : List.of("/live/x.flv", "/live/x.m3u8", "/play/live/x")) {
            HttpURLConnection c = Http.open(server.httpPort(), "GET", path + "?ticket=t1");
            assertEquals(403, c.getResponseCode(), path);
            assertEquals("play refused by the hook: no ticket\n", Http.body(c), path);
        }
        HttpURLConnection segment = Http.open(server.httpPort(), "GET", "/live/x/1.ts");
        assertEquals(404, segment.getResponseCode());
        Http.body(segment);
        List<HookServer.Call> plays = hooks.calls("/play");
        assertEquals(4, plays.size(), "RTMP, HTTP-FLV, HLS playlist, page; no segment: " + plays);
        Map<String, String> flv = plays.get(1).form();
        assertEquals("play", flv.get("call"));
        assertEquals("x", flv.get("name"));
        assertEquals("t1", flv.get("ticket"));
        assertTrue(flv.get("tcurl").startsWith("http://127.0.0.1:"), flv.toString());
        assertEquals(4, hookStats().path("events").path("play").path("refused").asLong());
    }

    @Test
    void shouldSpeakSrsShapeAllowingZeroAndCodeZeroAndRefusingTheRest() throws Exception {
        hooks.answer(call -> {
            String stream = streamOf(call);
            return switch (stream) {
                case "zero" -> Reply.of(200, "0");
                case "codezero" -> Reply.of(200, "{\"code\": 0}");
                case "nope" -> Reply.of(200, "{\"code\": 403, \"msg\": \"not on the list\"}");
                default -> Reply.of(500, "boom");
            };
        });
        start("srs", Map.of());
        assertEquals("NetStream.Publish.Start", publishStatus("zero").statusCode());
        assertEquals("NetStream.Publish.Start", publishStatus("codezero").statusCode());
        RawRtmpClient.Message nope = publishStatus("nope");
        assertEquals("NetStream.Publish.BadName", nope.statusCode());
        assertEquals("publish refused by the hook: not on the list", nope.statusDescription());
        assertEquals("NetStream.Publish.BadName", publishStatus("other").statusCode());
        JsonNode body = JSON.readTree(hooks.calls("/publish").get(0).body());
        assertEquals("application/json", hooks.calls("/publish").get(0).contentType());
        assertEquals("on_publish", body.path("action").asText());
        assertEquals("live", body.path("app").asText());
        assertEquals("zero", body.path("stream").asText());
        assertEquals("127.0.0.1", body.path("ip").asText());
        assertEquals("?k=v", body.path("param").asText());
        assertEquals("__defaultVhost__", body.path("vhost").asText());
        assertTrue(body.hasNonNull("client_id") && body.has("tcUrl") && body.has("server_id"), body.toString());
        Await.until("on_unpublish of the allowed publishes", WAIT, () -> hooks.calls("/unpublish").size() >= 2);
        JsonNode unpublish = JSON.readTree(hooks.calls("/unpublish").get(0).body());
        assertEquals("on_unpublish", unpublish.path("action").asText());

        HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/nope.flv");
        assertEquals(403, c.getResponseCode());
        assertEquals("play refused by the hook: not on the list\n", Http.body(c));
        JsonNode play = JSON.readTree(hooks.calls("/play").get(0).body());
        assertEquals("on_play", play.path("action").asText());
        assertTrue(play.has("pageUrl"), play.toString());
    }

    @Test
    void shouldPullAPlayRedirectedByA3xxThroughTheRelays() throws Exception {
        Ffmpeg.assumeInstalled();
        AtomicInteger rtmpPort = new AtomicInteger();
        hooks.answer(call -> call.path().equals("/play") && call.form().get("name").equals("edge")
                ? Reply.redirect("rtmp://127.0.0.1:" + rtmpPort.get() + "/live/src")
                : Reply.of(200, ""));
        start("nginx-rtmp", Map.of());
        rtmpPort.set(server.rtmpPort());
        try (Ffmpeg.FfmpegProcess ffmpeg = publish("live/src", 20, "hook-source")) {
            Await.until("live/src published", WAIT, () -> live("live/src"));
            HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/edge.flv");
            assertEquals(200, c.getResponseCode());
            try (InputStream in = c.getInputStream()) {
                FlvStreamReader flv = new FlvStreamReader(in);
                flv.readHeader();
                int videoTags = 0;
                while (videoTags < 25) {
                    FlvStreamReader.Tag tag = flv.next();
                    if (tag.type() == 9) {
                        videoTags++;
                    }
                }
                assertEquals(25, videoTags);
            }
            JsonNode relays = JSON.readTree(Http.body(Http.open(server.httpPort(), "GET", "/api/relays")));
            assertTrue(relays.toString().contains("\"origin\":\"hook\""), relays.toString());
            ffmpeg.close();
        }
    }

    @Test
    void shouldRenameAPublishRedirectedByA3xx() throws Exception {
        hooks.answer(call -> call.path().equals("/publish") ? Reply.redirect("renamed") : Reply.of(200, ""));
        start("nginx-rtmp", Map.of());
        try (RawRtmpClient client = new RawRtmpClient(server.rtmpPort(), 65_536)) {
            RawRtmpClient.Message answer = client.publish("live", "raw");
            assertEquals("NetStream.Publish.Start", answer.statusCode(), answer.statusDescription());
            assertNotNull(server.engine().streams().find(new StreamPath("live", "renamed")));
            assertNull(server.engine().streams().find(new StreamPath("live", "raw")));
        }
        Await.until("publish_done names the new name", WAIT, () -> !hooks.calls("/unpublish").isEmpty());
        assertEquals("renamed", hooks.calls("/unpublish").get(0).form().get("name"));
    }

    @Test
    void shouldRefuseWhenTheHookTimesOutHangsOrFails() throws Exception {
        hooks.answer(call -> switch (streamOf(call)) {
            case "slow" -> Reply.of(200, "").after(5_000);
            case "hang" -> Reply.HANG;
            default -> Reply.of(500, "database down");
        });
        start("nginx-rtmp", Map.of("timeout_ms", 300));
        for (String name : List.of("slow", "hang")) {
            long startNs = System.nanoTime();
            HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/" + name + ".flv");
            assertEquals(403, c.getResponseCode(), name);
            assertEquals("play refused by the hook: the hook service did not answer\n", Http.body(c));
            long tookMs = (System.nanoTime() - startNs) / 1_000_000;
            assertTrue(tookMs >= 250 && tookMs < 2_000, name + " answered after " + tookMs + " ms");
        }
        try (RawRtmpClient client = new RawRtmpClient(server.rtmpPort(), 65_536)) {
            client.requestPlay("live", "hang");
            assertEquals("play refused by the hook: the hook service did not answer",
                    client.awaitStatus("NetStream.Play.Failed", 5_000).statusDescription());
        }
        HttpURLConnection failing = Http.open(server.httpPort(), "GET", "/live/fail.flv");
        assertEquals(403, failing.getResponseCode());
        assertEquals("play refused by the hook: database down\n", Http.body(failing));
        JsonNode play = hookStats().path("events").path("play");
        assertEquals(3, play.path("failed").asLong(), play.toString());
        assertEquals(1, play.path("refused").asLong(), play.toString());
        Await.until("no hook call left open", WAIT, () -> hookStatsUnchecked().path("inFlight").asInt() == 0);
    }

    @Test
    void shouldAllowWhenTheHookFailsAndOnFailureIsAllow() throws Exception {
        hooks.answer(call -> Reply.HANG);
        start("nginx-rtmp", Map.of("timeout_ms", 300, "on_failure", "allow"));
        HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/nothing.flv");
        assertEquals(404, c.getResponseCode(), "allowed: the stream is simply not there");
        Http.body(c);
        try (RawRtmpClient client = new RawRtmpClient(server.rtmpPort(), 65_536)) {
            assertEquals("NetStream.Publish.Start", client.publish("live", "open").statusCode());
        }
        assertEquals(2, hookStats().path("events").path("play").path("failed").asLong()
                + hookStats().path("events").path("publish").path("failed").asLong());
    }

    @Test
    void shouldRetryAFailedNotificationWithBackoff() throws Exception {
        AtomicInteger unpublishCalls = new AtomicInteger();
        hooks.answer(call -> call.path().equals("/unpublish") && unpublishCalls.incrementAndGet() <= 2
                ? Reply.of(500, "") : Reply.of(200, ""));
        start("nginx-rtmp", Map.of("notify_retries", 3));
        try (RawRtmpClient client = new RawRtmpClient(server.rtmpPort(), 65_536)) {
            assertEquals("NetStream.Publish.Start", client.publish("live", "r").statusCode());
        }
        Await.until("three unpublish calls", WAIT, () -> hooks.calls("/unpublish").size() == 3);
        Await.until("counted", WAIT, () -> hookStatsUnchecked().path("events").path("unpublish")
                .path("allowed").asLong() == 1);
        JsonNode unpublish = hookStats().path("events").path("unpublish");
        assertEquals(3, unpublish.path("calls").asLong(), unpublish.toString());
        assertEquals(2, unpublish.path("retries").asLong(), unpublish.toString());
        assertEquals(2, unpublish.path("refused").asLong(), unpublish.toString());
    }

    @Test
    void shouldTellStopWhenAnHttpFlvViewerLeaves() throws Exception {
        Ffmpeg.assumeInstalled();
        start("nginx-rtmp", Map.of());
        try (Ffmpeg.FfmpegProcess ffmpeg = publish("live/s", 20, "hook-stop")) {
            Await.until("live/s published", WAIT, () -> live("live/s"));
            HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/s.flv");
            assertEquals(200, c.getResponseCode());
            assertEquals(9, c.getInputStream().readNBytes(9).length);
            c.disconnect();
            Await.until("play_done told", WAIT, () -> !hooks.calls("/stop").isEmpty());
            ffmpeg.close();
        }
        Map<String, String> stop = hooks.calls("/stop").get(0).form();
        assertEquals("play_done", stop.get("call"));
        assertEquals(hooks.calls("/play").get(0).form().get("clientid"), stop.get("clientid"));
    }

    @Test
    void shouldAskOncePerHlsViewerAndTellItsStopWhenItsPlaylistRequestsStop() throws Exception {
        Ffmpeg.assumeInstalled();
        start("nginx-rtmp", Map.of("hls_session_timeout_ms", 1_500));
        try (Ffmpeg.FfmpegProcess ffmpeg = publish("live/h", 20, "hook-hls")) {
            Await.until("the playlist of live/h", WAIT, () -> playlistStatus("Safari") == 200);
            for (int i = 0; i < 5; i++) { // a player reloading
                assertEquals(200, playlistStatus("Safari"));
            }
            assertEquals(200, playlistStatus("hls.js"), "another player on the same address");
            assertEquals(List.of(), hooks.calls("/stop"), "both still watching");
            List<HookServer.Call> plays = hooks.calls("/play").stream()
                    .filter(c -> "h".equals(c.form().get("name"))).toList();
            assertEquals(2, plays.size(), "one play call per viewer, not per reload: " + plays);
            Await.until("play_done of both viewers", WAIT, () -> hooks.calls("/stop").size() == 2);
            ffmpeg.close();
        }
        Map<String, String> stop = hooks.calls("/stop").get(0).form();
        assertEquals("play_done", stop.get("call"));
        assertEquals("h", stop.get("name"));
        assertTrue(hooks.calls("/play").stream().anyMatch(p -> p.form().get("clientid").equals(stop.get("clientid"))),
                "the stop names the client id its play had");
    }

    /** The status of a playlist request of live/h by that player; -1 when the request failed. */
    private int playlistStatus(String userAgent) {
        try {
            HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/h.m3u8");
            c.setRequestProperty("User-Agent", userAgent);
            int status = c.getResponseCode();
            Http.body(c);
            return status;
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void shouldTellRecordDoneWithTheFileInSrsShape() throws Exception {
        Ffmpeg.assumeInstalled();
        server = LoopbackServer.start(TestConfig.loopback()
                .set("record", "enable", true)
                .set("Engine", "PublishTimeout", 1) // the recording ends when the stream closes
                .set("hooks", "style", "srs")
                .set("hooks", "on_record_done", hooks.url("/dvr")));
        try (Ffmpeg.FfmpegProcess ffmpeg = publish("live/rec", 2, "hook-record")) {
            assertEquals(0, ffmpeg.await(30), ffmpeg.output());
        }
        Await.until("on_dvr told", WAIT, () -> !hooks.calls("/dvr").isEmpty());
        JsonNode dvr = JSON.readTree(hooks.calls("/dvr").get(0).body());
        assertEquals("on_dvr", dvr.path("action").asText());
        assertEquals("rec", dvr.path("stream").asText());
        assertTrue(dvr.path("file").asText().endsWith(".flv"), dvr.toString());
    }

    private RawRtmpClient.Message publishStatus(String name) throws IOException {
        try (RawRtmpClient client = new RawRtmpClient(server.rtmpPort(), 65_536)) {
            return client.publish("live", name + "?k=v");
        }
    }

    private static String streamOf(HookServer.Call call) {
        if (call.body().startsWith("{")) {
            try {
                return JSON.readTree(call.body()).path("stream").asText();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        return call.form().getOrDefault("name", "");
    }

    /** ffmpeg publishing 320x240 at 25 fps to {@code stream} ({@code app/name[?query]}) for {@code seconds}. */
    private Ffmpeg.FfmpegProcess publish(String stream, int seconds, String name) throws IOException {
        return Ffmpeg.start(Ffmpeg.publishArgs("rtmp://127.0.0.1:" + server.rtmpPort() + "/" + stream, "320x240", 25,
                seconds), name);
    }

    private boolean live(String path) {
        String[] parts = path.split("/");
        var stream = server.engine().streams().find(new StreamPath(parts[0], parts[1]));
        return stream != null && stream.state() == StreamState.PUBLISHING;
    }

    private JsonNode hookStats() throws IOException {
        return server.serverStats().path("hooks");
    }

    private JsonNode hookStatsUnchecked() {
        try {
            return hookStats();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
