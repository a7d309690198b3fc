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
import io.ringcast.broadcast.testing.RedisServer;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Stream keys shared by two servers through one real Redis ({@link RedisRoomKeysPlugin} registers the
 * {@code RedisRoomKeys} as ClusterPlugin will): ffmpeg publishes with the key to both, a reset through one
 * server's admin API is refused by both at once and the new key accepted by both; with Redis down the admin API
 * answers 503 and only an encoder this server verified lately may publish.
 */
@Timeout(180)
class ClusterStreamKeysEndToEndTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-ringcast-test";
    private static final StreamPath HALL = new StreamPath("live", "hall");

    @TempDir
    Path dir;
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private RedisServer redis;
    private RingcastServer server1;
    private RingcastServer server2;
    private String jwt;

    @BeforeEach
    void start() throws Exception {
        redis = cleanup.add(RedisServer.start());
        server1 = cleanup.add(startServer("1"));
        server2 = cleanup.add(startServer("2"));
        SignedJWT token = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .subject("admin").expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        token.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        jwt = token.serialize();
    }

    private RingcastServer startServer(String n) {
        return RingcastServer.start(TestConfig.loopback().toml("""
                [auth]
                publish_keys = true
                keys_file = "%s"
                [control]
                jwt_secret = "%s"
                [test_redis_room_keys]
                enable = true
                redis = "%s"
                """.formatted(dir.resolve("keys-" + n + ".txt"), SECRET, redis.url())).configFile(),
                OptionalInt.empty());
    }

    private record Answer(int httpStatus, JsonNode body) {
        String data() {
            return body.get("data").asText();
        }
    }

    private Answer control(RingcastServer server, String pathAndQuery) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.httpPort() + pathAndQuery)
                .toURL().openConnection();
        c.setRequestProperty("Authorization", "Bearer " + jwt);
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            return new Answer(status, new ObjectMapper().readTree(in));
        }
    }

    private static String rtmp(RingcastServer server, String key) {
        return "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/" + key;
    }

    /** ffmpeg publishes with {@code key} to both servers at once, until both receive frames of live/hall. */
    private void publishOnBoth(String key, String name) throws Exception {
        long before1 = framesOf(server1);
        long before2 = framesOf(server2);
        try (Ffmpeg.FfmpegProcess p1 = Ffmpeg.start(Ffmpeg.publishArgs(rtmp(server1, key), "320x240", 30, 30),
                name + "-1");
             Ffmpeg.FfmpegProcess p2 = Ffmpeg.start(Ffmpeg.publishArgs(rtmp(server2, key), "320x240", 30, 30),
                     name + "-2")) {
            Await.until("live/hall receiving frames published with " + name + " key on both servers",
                    Duration.ofSeconds(20), () -> framesOf(server1) > before1 + 10 && framesOf(server2) > before2 + 10,
                    () -> p1.output() + "\n" + p2.output());
        }
    }

    private static long framesOf(RingcastServer server) {
        var stream = server.engine().streams().find(HALL);
        return stream == null ? 0 : stream.track(io.ringcast.broadcast.track.TrackKind.VIDEO).framesPublished();
    }

    @Test
    void shouldPublishWithOneKeyOnBothServersAndRefuseItOnBothOnceResetThroughOne() throws Exception {
        Ffmpeg.assumeInstalled();
        Answer created = control(server2, "/control/get?room=hall");
        assertEquals(200, created.httpStatus(), created.body().toString());
        String key = created.data();
        assertEquals(key, redis.command("GET", "hall"), "livego's layout: room -> key");
        assertEquals("hall", redis.command("GET", key), "and key -> room");
        assertEquals(key, control(server1, "/control/get?room=hall").data(), "one key, whichever node is asked");

        publishOnBoth(key, "first");

        Answer reset = control(server1, "/control/reset?room=hall");
        assertEquals(200, reset.httpStatus(), reset.body().toString());
        String fresh = reset.data();
        assertNotEquals(key, fresh);
        assertEquals(fresh, redis.command("GET", "hall"));
        assertNull(redis.command("GET", key), "the old key's entry is gone");

        try (Ffmpeg.FfmpegProcess old1 = Ffmpeg.start(Ffmpeg.publishArgs(rtmp(server1, key), "320x240", 30, 2),
                "old-1");
             Ffmpeg.FfmpegProcess old2 = Ffmpeg.start(Ffmpeg.publishArgs(rtmp(server2, key), "320x240", 30, 2),
                     "old-2")) {
            assertNotEquals(0, old1.await(30), "the old key is refused by the server that reset it");
            assertNotEquals(0, old2.await(30), "and by the other server");
            assertTrue(old2.output().contains("wrong stream key"), old2.output());
        }

        publishOnBoth(fresh, "new");
        assertEquals("ok", control(server2, "/control/delete?room=hall").data());
        assertEquals("0", redis.command("DBSIZE"), "deleted both ways");
    }

    @Test
    void shouldAnswer503AndAcceptOnlyALatelyVerifiedKeyWhileRedisIsDown() throws Exception {
        Ffmpeg.assumeInstalled();
        String known = control(server1, "/control/get?room=hall").data();
        String unknown = control(server1, "/control/get?room=other").data();
        try (Ffmpeg.FfmpegProcess p = Ffmpeg.start(Ffmpeg.publishArgs(rtmp(server1, known), "320x240", 30, 30),
                "verify")) {
            Await.until("live/hall published with its key", Duration.ofSeconds(20), () -> framesOf(server1) > 10,
                    p::output);
        }
        long before = framesOf(server1);

        redis.kill9();
        for (String op : java.util.List.of("/control/get?room=hall", "/control/reset?room=hall",
                "/control/delete?room=hall", "/control/get?room=new")) {
            Answer down = control(server1, op);
            assertEquals(503, down.httpStatus(), op + ": " + down.body());
            assertEquals(503, down.body().get("status").asInt(), op);
            assertTrue(down.data().startsWith("stream keys unavailable: Redis"), op + ": " + down.data());
        }
        assertEquals(503, control(server2, "/control/get?room=hall").httpStatus());

        try (Ffmpeg.FfmpegProcess refused = Ffmpeg.start(Ffmpeg.publishArgs(rtmp(server1, unknown), "320x240", 30,
                2), "unknown")) {
            assertNotEquals(0, refused.await(30), "a key never verified here is refused while Redis is down");
            assertTrue(refused.output().contains("stream keys unavailable: Redis"), refused.output());
        }
        try (Ffmpeg.FfmpegProcess other = Ffmpeg.start(Ffmpeg.publishArgs(rtmp(server2, known), "320x240", 30, 2),
                "other-node")) {
            assertNotEquals(0, other.await(30), "server 2 never verified that key");
        }
        try (Ffmpeg.FfmpegProcess again = Ffmpeg.start(Ffmpeg.publishArgs(rtmp(server1, known), "320x240", 30, 30),
                "reconnect")) {
            Await.until("the known encoder publishing again while Redis is down", Duration.ofSeconds(20),
                    () -> framesOf(server1) > before + 10, again::output);
        }
        assertFalse(Files.exists(dir.resolve("keys-1.txt")), "the keys file is not used with Redis keys");
    }
}
