package io.ringcast.web.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.RedisServer;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.ingest.cluster.StreamDirectory;
import io.ringcast.web.RingcastServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two origins in this JVM (127.0.0.1 and 127.0.0.2) sharing one real redis-server: ffmpeg publishes live/x to the
 * first; a publish of live/x to the second is refused with NetStream.Publish.BadName "live on node o1"; once the first
 * publisher is gone the second origin accepts it and the directory names o2. {@code /api/cluster} and the cluster
 * block of {@code /api/server} show it, also with the cluster off and with Redis down.
 */
@Timeout(120)
class ClusterEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StreamPath X = StreamPath.parse("live/x");

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private RedisServer redis;

    @BeforeEach
    void startRedis() {
        redis = cleanup.add(RedisServer.start());
    }

    private RingcastServer origin(String id, String address) {
        return cleanup.add(RingcastServer.start(TestConfig.loopback().bindTo(address).toml("""
                [cluster]
                node_id = "%s"
                role = "origin"
                advertise = "http://%s:8080"
                directory = "%s"
                """.formatted(id, address, redis.url())).configFile(), OptionalInt.empty()));
    }

    private static String rtmpUrl(RingcastServer server, String address) {
        return "rtmp://" + address + ":" + server.pluginPort("rtmp") + "/live/x";
    }

    @Test
    void shouldKeepAStreamOnOneOriginAndMoveItWhenItsPublisherLeaves() throws Exception {
        Ffmpeg.assumeInstalled();
        RingcastServer o1 = origin("o1", "127.0.0.1");
        RingcastServer o2 = origin("o2", "127.0.0.2");

        try (Ffmpeg.FfmpegProcess first = cleanup.add(Ffmpeg.start(
                Ffmpeg.publishArgs(rtmpUrl(o1, "127.0.0.1"), "320x240", 15, 60), "o1-publisher"))) {
            Await.until("live/x published on o1 and in the directory", Duration.ofSeconds(20),
                    () -> o1.engine().streams().find(X) != null && "o1".equals(redis.command("GET",
                            "ringcast:stream:live/x")), first::output);

            try (Ffmpeg.FfmpegProcess second = Ffmpeg.start(
                    Ffmpeg.publishArgs(rtmpUrl(o2, "127.0.0.2"), "320x240", 15, 5), "o2-refused")) {
                assertNotEquals(0, second.await(30), "the duplicate publish fails");
                assertTrue(second.output().contains("live/x is live on node o1"), second.output());
            }
            assertNull(o2.engine().streams().find(X), "no stream on the second origin");
            assertEquals("o1", redis.command("GET", "ringcast:stream:live/x"));

            String o1Rtmp = "rtmp://127.0.0.1:" + o1.pluginPort("rtmp");
            Await.until("o1's heartbeat shows its RTMP listener's port", Duration.ofSeconds(10),
                    () -> o1Rtmp.equals(redis.command("HGET", "ringcast:node:o1", "rtmp")));
            JsonNode cluster = get(o2, "127.0.0.2", "/api/cluster");
            assertEquals(List.of("enabled", "self", "directory", "nodes", "upstreams"), fields(cluster));
            assertTrue(cluster.get("enabled").asBoolean());
            assertEquals("o2", cluster.get("self").get("id").asText());
            assertEquals("origin", cluster.get("self").get("role").asText());
            assertEquals("http://127.0.0.2:8080", cluster.get("self").get("http").asText());
            assertEquals("rtmp://127.0.0.2:" + o2.pluginPort("rtmp"), cluster.get("self").get("rtmp").asText(),
                    "advertise host with the RTMP listener's port ([rtmp] port = 0 in tests: the bound one)");
            assertTrue(cluster.get("directory").get("up").asBoolean());
            assertEquals(0, cluster.get("directory").get("pendingRegistrations").asInt());
            JsonNode nodes = cluster.get("nodes");
            assertEquals(2, nodes.size(), nodes.toString());
            assertEquals("o1", nodes.get(0).get("id").asText());
            assertEquals("[\"live/x\"]", nodes.get(0).get("streams").toString());
            assertEquals("o2", nodes.get(1).get("id").asText());
            assertEquals(0, nodes.get(1).get("streams").size());
            assertTrue(nodes.get(0).get("heartbeatEpochMs").asLong() > 0);
            assertEquals(o1Rtmp, nodes.get(0).get("rtmp").asText());
            assertEquals("http://127.0.0.1:8080", nodes.get(0).get("http").asText());
            assertEquals("origin", nodes.get(0).get("role").asText());
            assertEquals(0, cluster.get("upstreams").size());
        }

        Await.until("o1 released live/x when its publisher left", Duration.ofSeconds(10),
                () -> redis.command("GET", "ringcast:stream:live/x") == null);
        try (Ffmpeg.FfmpegProcess moved = cleanup.add(Ffmpeg.start(
                Ffmpeg.publishArgs(rtmpUrl(o2, "127.0.0.2"), "320x240", 15, 60), "o2-publisher"))) {
            Await.until("live/x published on o2 and in the directory", Duration.ofSeconds(20),
                    () -> o2.engine().streams().find(X) != null && "o2".equals(redis.command("GET",
                            "ringcast:stream:live/x")), moved::output);
            JsonNode server = get(o1, "127.0.0.1", "/api/server").get("cluster");
            long sinceEpochMs = server.get("directory").get("sinceEpochMs").asLong();
            assertEquals("{\"enabled\":true,\"nodeId\":\"o1\",\"role\":\"origin\",\"directory\":{\"up\":true,"
                    + "\"sinceEpochMs\":" + sinceEpochMs + ",\"lastError\":\"\",\"pendingRegistrations\":0,"
                    + "\"conflicts\":[]}}", server.toString());
            assertTrue(sinceEpochMs > 0);
        }
        assertEquals("o1", redis.command("HGET", "ringcast:node:o1", "id"));
        o1.close();
        assertEquals("0", redis.command("EXISTS", "ringcast:node:o1"), "a stopped node removes its heartbeat");
        assertEquals("1", redis.command("EXISTS", "ringcast:node:o2"));
    }

    @Test
    void shouldAnswerClusterRequestsWithRedisDownAndWithTheClusterOff() throws Exception {
        RingcastServer single = cleanup.add(RingcastServer.start(TestConfig.loopback().configFile(),
                OptionalInt.empty()));
        assertEquals("{\"enabled\":false}", get(single, "127.0.0.1", "/api/cluster").toString());
        assertEquals("{\"enabled\":false}", get(single, "127.0.0.1", "/api/server").get("cluster").toString());
        assertNull(single.engine().service(StreamDirectory.class), "nothing registered");

        RingcastServer o1 = origin("o1", "127.0.0.1");
        redis.kill9();
        StreamDirectory directory = o1.engine().service(StreamDirectory.class);
        Await.until("o1 sees Redis down", Duration.ofSeconds(10), () -> !directory.status().up());
        JsonNode cluster = get(o1, "127.0.0.1", "/api/cluster");
        assertFalse(cluster.get("directory").get("up").asBoolean());
        assertFalse(cluster.get("directory").get("lastError").asText().isEmpty());
        assertEquals(0, cluster.get("nodes").size());
        assertFalse(get(o1, "127.0.0.1", "/api/server").get("cluster").get("directory").get("up").asBoolean());
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode get(RingcastServer server, String address, String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://" + address + ":" + server.httpPort() + path)
                .toURL().openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(10_000);
        assertEquals(200, c.getResponseCode(), path);
        try (InputStream in = c.getInputStream()) {
            return JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
