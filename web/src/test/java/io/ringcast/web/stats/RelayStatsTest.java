package io.ringcast.web.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.ingest.relay.RelayState;
import io.ringcast.ingest.relay.RelayView;
import io.ringcast.ingest.relay.Relays;
import io.ringcast.web.testing.FakeRelays;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.LoopbackServer;
import io.ringcast.web.testing.SyntheticStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /api/relays} lists every relay with all its fields and masked URLs; {@code /api/streams} shows each
 * stream's source (publisher, or a pull with its masked upstream) and its relays; both against a fake
 * {@link Relays}, and without one (relay plugin off): 503 for {@code /api/relays}, empty relays in the streams.
 */
@Timeout(60)
class RelayStatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIELDS = List.of("key", "direction", "path", "origin", "urls", "currentUrl",
            "state", "retryAtEpochMs", "failure", "bytes", "frames", "reconnects", "skips", "sinceEpochMs");

    private LoopbackServer server;
    private final FakeRelays relays = new FakeRelays();

    @BeforeEach
    void start() {
        server = LoopbackServer.start("[relay]\nenable = false\n"); // the fake Relays stands in for the plugin
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode get(String path, int expectedStatus) throws Exception {
        HttpURLConnection c = Http.open(server.httpPort(), "GET", path);
        assertEquals(expectedStatus, c.getResponseCode(), path);
        return JSON.readTree(Http.body(c));
    }

    @Test
    void shouldListEveryRelayWithAllFieldsAndMaskedUrls() throws Exception {
        JsonNode off = get("/api/relays", 503);
        assertEquals("relays are not available: the relay plugin is disabled", off.get("error").asText());
        assertEquals(503, off.get("status").asInt());

        server.engine().registerService(Relays.class, relays);
        assertEquals(0, get("/api/relays", 200).size(), "an empty array");
        relays.add(new RelayView("pull:live/a", "pull", StreamPath.parse("live/a"), "config",
                List.of("rtmp://u:secret@10.0.0.1/live/a", "http://10.0.0.2:8080/live/a.flv?token=t0p"),
                "http://10.0.0.2:8080/live/a.flv?token=t0p", RelayState.BACKING_OFF, 1_700_000_005_000L,
                "connection refused", 1_000, 20, 3, 0, 1_700_000_000_000L));
        relays.add(FakeRelays.view("push", "live", "a", "rtmp://proxy/myapp/a?key=k3y"));

        relays.addEnded(new RelayView("pull:live/gone", "pull", StreamPath.parse("live/gone"), "on-demand",
                List.of("rtmp://10.0.0.3/live/gone"), "rtmp://10.0.0.3/live/gone", RelayState.FAILED, 0,
                "no data from upstream for 5000 ms", 0, 0, 2, 0, 1_700_000_000_000L));

        JsonNode list = get("/api/relays", 200);
        assertTrue(list.isArray());
        assertEquals(3, list.size(), "the running relays, then the ended ones");
        assertEquals("FAILED", list.get(2).get("state").asText());
        assertEquals("no data from upstream for 5000 ms", list.get(2).get("failure").asText());
        JsonNode pull = list.get(0);
        assertEquals(FIELDS, names(pull));
        assertEquals("pull:live/a", pull.get("key").asText());
        assertEquals("pull", pull.get("direction").asText());
        assertEquals("live/a", pull.get("path").asText());
        assertEquals("config", pull.get("origin").asText());
        assertEquals("rtmp://***@10.0.0.1/live/a", pull.get("urls").get(0).asText());
        assertEquals("http://10.0.0.2:8080/live/a.flv?token=***", pull.get("urls").get(1).asText());
        assertEquals("http://10.0.0.2:8080/live/a.flv?token=***", pull.get("currentUrl").asText());
        assertEquals("BACKING_OFF", pull.get("state").asText());
        assertEquals(1_700_000_005_000L, pull.get("retryAtEpochMs").asLong());
        assertEquals("connection refused", pull.get("failure").asText());
        assertEquals(1_000, pull.get("bytes").asLong());
        assertEquals(20, pull.get("frames").asLong());
        assertEquals(3, pull.get("reconnects").asLong());
        assertEquals(0, pull.get("skips").asLong());
        assertEquals(1_700_000_000_000L, pull.get("sinceEpochMs").asLong());
        JsonNode push = list.get(1);
        assertEquals("push", push.get("direction").asText());
        assertEquals("rtmp://proxy/myapp/a?key=***", push.get("currentUrl").asText());
        assertEquals("LIVE", push.get("state").asText());
        assertEquals(3, push.get("skips").asLong());
        assertFalse(list.toString().contains("secret") || list.toString().contains("t0p")
                || list.toString().contains("k3y"), "no credential in " + list);
    }

    @Test
    void shouldShowEachStreamsSourceAndRelays() throws Exception {
        StreamPublisher pulled = server.engine().streams().publish(StreamPath.parse("live/pulled"),
                new PublisherInfo("pull", "rtmp://user:pw@10.0.0.1/live/pulled", 1_700_000_000_000L), false);
        assertNotNull(pulled);
        try (SyntheticStream published = new SyntheticStream(server.engine(), "live/published")) {
            JsonNode streams = get("/api/streams", 200).get("streams");
            assertEquals(2, streams.size());
            JsonNode pull = streams.get(1);
            assertEquals("live/pulled", pull.get("path").asText());
            assertEquals("pull", pull.get("source").get("type").asText());
            assertEquals("pull", pull.get("source").get("protocol").asText());
            assertEquals("rtmp://***@10.0.0.1/live/pulled", pull.get("source").get("remote").asText());
            assertEquals(0, pull.get("relays").size(), "no relay plugin: no relays");
            JsonNode local = streams.get(0);
            assertEquals("publisher", local.get("source").get("type").asText());
            assertEquals("test", local.get("source").get("protocol").asText());
            assertEquals("127.0.0.1:1935", local.get("source").get("remote").asText());

            server.engine().registerService(Relays.class, relays);
            relays.add(FakeRelays.view("pull", "live", "pulled", "rtmp://user:pw@10.0.0.1/live/pulled"));
            relays.add(FakeRelays.view("push", "live", "pulled", "rtmp://proxy/myapp/pulled"));
            relays.add(FakeRelays.view("push", "live", "published", "rtmp://proxy/myapp/published"));
            streams = get("/api/streams", 200).get("streams");
            JsonNode pullRelays = streams.get(1).get("relays");
            assertEquals(2, pullRelays.size());
            assertEquals("pull:live/pulled", pullRelays.get(0).get("key").asText());
            assertEquals(FIELDS, names(pullRelays.get(0)));
            assertEquals("rtmp://***@10.0.0.1/live/pulled", pullRelays.get(0).get("currentUrl").asText());
            assertEquals("push:live/pulled", pullRelays.get(1).get("key").asText());
            assertEquals(1, streams.get(0).get("relays").size());
            assertEquals("push:live/published", streams.get(0).get("relays").get(0).get("key").asText());

            JsonNode one = get("/api/streams/live/pulled", 200);
            assertEquals("pull", one.get("source").get("type").asText());
            assertEquals(2, one.get("relays").size());
            published.video(SyntheticStream.videoFrame(1, true, 100), true, 40);
        } finally {
            pulled.close();
        }
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
