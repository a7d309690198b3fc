package io.ringcast.web.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;
import io.ringcast.web.testing.Http;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.*;

/** livego's control API behind an HS256 JWT: keys created, read, reset and deleted; bad credentials refused. */
@Timeout(90)
class ControlApiTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-ringcast-test";

    @TempDir
    Path dir;
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private RingcastServer server;

    @BeforeEach
    void start() {
        server = cleanup.add(RingcastServer.start(TestConfig.loopback().toml("""
                [auth]
                publish_keys = true
                keys_file = "%s"
                [control]
                jwt_secret = "%s"
                """.formatted(dir.resolve("keys.txt"), SECRET)).configFile(), OptionalInt.empty()));
    }

    private static String token(String secret, Instant expires) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                new JWTClaimsSet.Builder().subject("admin").expirationTime(Date.from(expires)).build());
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private record Answer(int httpStatus, JsonNode body) {
    }

    private Answer call(String pathAndQuery, String bearer) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + server.httpPort() + pathAndQuery)
                .openConnection();
        if (bearer != null) {
            c.setRequestProperty("Authorization", "Bearer " + bearer);
        }
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            return new Answer(status, new ObjectMapper().readTree(in));
        }
    }

    @Test
    void shouldCreateReadResetAndDeleteKeysAndPublishWithThem() throws Exception {
        String jwt = token(SECRET, Instant.now().plusSeconds(600));
        Answer created = call("/control/get?room=hall", jwt);
        assertEquals(200, created.httpStatus());
        assertEquals(200, created.body().get("status").asInt());
        String key = created.body().get("data").asText();
        assertTrue(key.matches("[0-9a-f]{48}"), key);
        assertEquals(key, call("/control/get?room=hall", jwt).body().get("data").asText(), "get is idempotent");

        Ffmpeg.assumeInstalled();
        String rtmp = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/";
        try (Ffmpeg.FfmpegProcess publisher = Ffmpeg.start(Ffmpeg.publishArgs(rtmp + key, "320x240", 30, 2), "pub")) {
            Await.until("the room's stream", Duration.ofSeconds(20),
                    () -> server.engine().streams().find(StreamPath.parse("live/hall")) != null);
            assertEquals(0, publisher.await(30), publisher.output());
        }

        String reset = call("/control/reset?room=hall", jwt).body().get("data").asText();
        assertNotEquals(key, reset);
        try (Ffmpeg.FfmpegProcess stale = Ffmpeg.start(Ffmpeg.publishArgs(rtmp + key, "320x240", 30, 2), "stale")) {
            assertNotEquals(0, stale.await(30), "the old key no longer publishes");
        }
        assertEquals("ok", call("/control/delete?room=hall", jwt).body().get("data").asText());
        assertEquals(404, call("/control/delete?room=hall", jwt).httpStatus());
    }

    @Test
    void shouldRefuseMissingExpiredForgedAndUnsignedCredentials() throws Exception {
        Answer missing = call("/control/get?room=r", null);
        assertEquals(401, missing.httpStatus());
        assertEquals(401, missing.body().get("status").asInt());

        Answer expired = call("/control/get?room=r", token(SECRET, Instant.now().minusSeconds(60)));
        assertEquals(403, expired.httpStatus());
        assertEquals("token expired", expired.body().get("data").asText());

        Answer forged = call("/control/get?room=r", token(SECRET.replace('0', '1'), Instant.now().plusSeconds(60)));
        assertEquals(403, forged.httpStatus());
        assertEquals("invalid signature", forged.body().get("data").asText());

        SignedJWT forever = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                new JWTClaimsSet.Builder().subject("admin").build());
        forever.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        Answer noExp = call("/control/get?room=r", forever.serialize());
        assertEquals(403, noExp.httpStatus(), "a token without exp would never expire");
        assertEquals("token has no exp: admin tokens must expire", noExp.body().get("data").asText());
        assertEquals(403, call("/control/get?room=r", token(SECRET, Instant.now().plusSeconds(400 * 86_400L)))
                .httpStatus(), "a token valid for 400 days is over the default maximum lifetime");

        String[] parts = token(SECRET, Instant.now().plusSeconds(60)).split("\\.");
        String none = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
        assertEquals(403, call("/control/get?room=r", none).httpStatus(), "alg none is refused");
        assertEquals(403, call("/control/get?room=r", "not.a.jwt").httpStatus());

        Answer viaQuery = call("/control/get?room=r&jwt=" + token(SECRET, Instant.now().plusSeconds(60)), null);
        assertEquals(200, viaQuery.httpStatus(), "livego's jwt query parameter works too");
    }

    @Test
    void shouldKeepStatsPublicByDefaultAndProtectThemWhenConfigured() throws Exception {
        assertEquals(200, call("/api/streams", null).httpStatus(), "public by default");
        Answer recordings = call("/api/recordings", null);
        assertEquals(200, recordings.httpStatus());
        assertFalse(recordings.body().get("enabled").asBoolean(), recordings.body().toString());
        assertEquals(0, recordings.body().get("recordings").size());
        server.close();
        server = cleanup.add(RingcastServer.start(TestConfig.loopback().toml("""
                [control]
                jwt_secret = "%s"
                protect_stats = true
                [rtmp]
                enable = false
                """.formatted(SECRET)).configFile(), OptionalInt.empty()));
        assertEquals(401, call("/api/streams", null).httpStatus());
        assertEquals(401, call("/api/recordings", null).httpStatus(), "recording outcomes are stats too");
        assertEquals(403, call("/api/streams", token(SECRET, Instant.now().minusSeconds(60))).httpStatus(),
                "expired beyond the 30 s leeway");
        assertEquals(200, call("/api/streams", token(SECRET, Instant.now().plusSeconds(60))).httpStatus());
    }

    @Test
    void shouldProtectTheStreamListPageAndThePlayersStreamFactsWhenStatsAreProtected() throws Exception {
        Ffmpeg.assumeInstalled();
        server.close();
        server = cleanup.add(RingcastServer.start(TestConfig.loopback().toml("""
                [control]
                jwt_secret = "%s"
                protect_stats = true
                """.formatted(SECRET)).configFile(), OptionalInt.empty()));
        String rtmp = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/x";
        try (Ffmpeg.FfmpegProcess publisher = Ffmpeg.start(Ffmpeg.publishArgs(rtmp, "320x240", 30, 60), "pub")) {
            Await.until("live/x with its video format", Duration.ofSeconds(20), () -> {
                var stream = server.engine().streams().find(StreamPath.parse("live/x"));
                var video = stream == null ? null : stream.track(io.ringcast.broadcast.track.TrackKind.VIDEO);
                return video != null && video.format() != null;
            });
            HttpURLConnection anonymous = Http.open(server.httpPort(), "GET", "/");
            assertEquals(401, anonymous.getResponseCode(), "the stream list is stats");
            String refusal = new String(anonymous.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertFalse(refusal.contains("live/x"), refusal);
            assertFalse(refusal.contains("127.0.0.1"), refusal);
            assertEquals(403, Http.open(server.httpPort(), "GET", "/?jwt=not.a.jwt").getResponseCode());

            HttpURLConnection admin = Http.open(server.httpPort(), "GET",
                    "/?jwt=" + token(SECRET, Instant.now().plusSeconds(60)));
            assertEquals(200, admin.getResponseCode());
            String list = Http.body(admin);
            assertTrue(list.contains("live/x") && list.contains("h264"), list);

            HttpURLConnection player = Http.open(server.httpPort(), "GET", "/play/live/x");
            assertEquals(200, player.getResponseCode(), "viewers still get their player");
            String page = Http.body(player);
            assertTrue(page.contains("live/x"), page);
            assertFalse(page.contains("h264") || page.contains("kbit/s") || page.contains("320"), page);
        }
    }
}
