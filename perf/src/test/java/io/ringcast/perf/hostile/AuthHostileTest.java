package io.ringcast.perf.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.ingest.testing.RawRtmpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11, finding 7: the credentials a hostile client forges or stretches. An admin JWT without {@code exp} or
 * before its {@code nbf}; the stream list at {@code /} while {@code protect_stats} is on; a room's stream key used
 * under another app; a signed play URL that expires in the year 292 billion. Each must be refused; the tokens are
 * built by hand (HS256, HMAC-SHA256) exactly as the README describes them.
 */
@Tag("hostile")
@Timeout(90)
class AuthHostileTest {
    private static final String JWT_SECRET = "hostile-suite-jwt-secret-0123456789abcdef";
    private static final String PLAY_SECRET = "hostile-suite-play-secret-0123456789abcdef";
    private static final String ROOM = "room1";

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private ServerProcess server;

    @BeforeEach
    void start() throws Exception {
        server = cleanup.add(ServerProcess.start("""
                [auth]
                publish_keys = true
                play_secret = "%s"
                [control]
                jwt_secret = "%s"
                protect_stats = true
                """.formatted(PLAY_SECRET, JWT_SECRET)));
    }


    @Test
    void shouldRefuseAnAdminJwtWithoutExpiry() throws Exception {
        String valid = jwt(Map.of("sub", "admin", "iat", Instant.now().getEpochSecond(), "exp",
                Instant.now().plusSeconds(600).getEpochSecond()));
        assertEquals(200, control("/control/get?room=" + ROOM, valid).status(), "a JWT with exp works (control)");

        RawHttp.Answer noExp = control("/control/get?room=" + ROOM, jwt(Map.of("sub", "admin", "iat",
                Instant.now().getEpochSecond())));
        System.out.println("[hostile] finding 7: admin JWT without exp: " + noExp);
        assertClearRefusal(noExp, "an admin JWT without exp");
    }

    @Test
    void shouldRefuseAnAdminJwtBeforeItsNotBeforeTime() throws Exception {
        long now = Instant.now().getEpochSecond();
        RawHttp.Answer early = control("/control/get?room=" + ROOM, jwt(Map.of("sub", "admin", "iat", now, "exp",
                now + 7_200, "nbf", now + 3_600)));
        System.out.println("[hostile] finding 7: admin JWT an hour before its nbf: " + early);
        assertClearRefusal(early, "an admin JWT an hour before its nbf");
    }

    @Test
    void shouldNotListStreamsOnTheFrontPageWhileStatsAreProtected() throws Exception {
        publishRoom();
        RawHttp.Answer api = RawHttp.get(server.httpPort(), "/api/streams", 5_000);
        assertTrue(api.status() == 401 || api.status() == 403, "control: /api/streams is protected: " + api);

        RawHttp.Answer page = RawHttp.get(server.httpPort(), "/", 5_000);
        System.out.println("[hostile] finding 7: GET / with protect_stats and no JWT: " + page.status() + ", "
                + page.body().length + " bytes, names the stream: " + page.text().contains(ROOM));
        assertFalse(page.status() == 200 && (page.text().contains(ROOM) || page.text().contains("127.0.0.1")),
                "GET / lists the live stream (or its publisher's address) to anyone: " + page);
    }

    @Test
    void shouldRefuseARoomsStreamKeyUnderAnotherApp() throws Exception {
        String key = streamKey();
        try (RawRtmpClient client = new RawRtmpClient(server.rtmpPort(), 0, "127.0.0.12")) {
            RawRtmpClient.Message answer = client.publish("other", key);
            Object level = answer.amf().size() > 3 && answer.amf().get(3) instanceof Map<?, ?> info
                    ? info.get("level") : null;
            System.out.println("[hostile] finding 7: publish of rtmp://.../other/KEY answered " + answer.statusCode()
                    + " (" + level + "): " + answer.statusDescription());
            assertNotEquals("NetStream.Publish.Start", answer.statusCode(),
                    "room1's key publishes under another app");
            assertEquals("error", level, "the refusal is an error status: " + answer.amf());
        }
        RawHttp.Answer streams = RawHttp.request(RawHttp.HEALTHY_ADDRESS, server.httpPort(), "GET", "/api/streams",
                Map.of("Authorization", "Bearer " + validJwt()), 5_000);
        assertFalse(streams.text().contains("other/"), "no stream under the other app: " + streams);
    }

    @Test
    void shouldRefuseASignedPlayUrlWithoutAReasonableExpiry() throws Exception {
        publishRoom();
        String path = "live/" + ROOM;
        long soon = Instant.now().plusSeconds(600).getEpochSecond();
        RawHttp.Answer valid = RawHttp.head(server.httpPort(), "/" + path + ".flv?expires=" + soon + "&token="
                + playToken(path, soon), Map.of(), 5_000);
        assertEquals(200, valid.status(), "control: a URL valid for 10 minutes plays: " + valid);

        long forever = Long.MAX_VALUE;
        RawHttp.Answer huge = RawHttp.head(server.httpPort(), "/" + path + ".flv?expires=" + forever + "&token="
                + playToken(path, forever), Map.of(), 5_000);
        System.out.println("[hostile] finding 7: play URL with expires=" + forever + ": " + huge);
        assertClearRefusal(huge, "a play URL with expires=" + forever);
    }

    /** 401 or 403, with a body saying why, and no stack trace. */
    private static void assertClearRefusal(RawHttp.Answer answer, String what) {
        assertTrue(answer.status() == 401 || answer.status() == 403, what + " is accepted: " + answer);
        Health.assertNoStackTrace(answer, what);
    }

    private void publishRoom() throws Exception {
        cleanup.add(SyntheticPublisher.start(server.rtmpPort(), "live", streamKey(), 25, 25, 2_000,
                20_000));
        Health.awaitUntil("live/" + ROOM + " listed", java.time.Duration.ofSeconds(10), () -> RawHttp.request(
                RawHttp.HEALTHY_ADDRESS, server.httpPort(), "GET", "/api/streams/live/" + ROOM,
                Map.of("Authorization", "Bearer " + validJwt()), 2_000).status() == 200);
    }

    private String streamKey() throws Exception {
        RawHttp.Answer answer = control("/control/get?room=" + ROOM, validJwt());
        assertEquals(200, answer.status(), "the room's key: " + answer);
        return new ObjectMapper().readTree(answer.body()).get("data").asText();
    }

    private RawHttp.Answer control(String path, String jwt) {
        return RawHttp.request(RawHttp.HEALTHY_ADDRESS, server.httpPort(), "GET", path,
                Map.of("Authorization", "Bearer " + jwt), 5_000);
    }

    private static String validJwt() {
        return jwt(Map.of("sub", "admin", "iat", Instant.now().getEpochSecond(), "exp",
                Instant.now().plusSeconds(600).getEpochSecond()));
    }

    /** An HS256 JWT with these claims, signed with the server's secret. */
    private static String jwt(Map<String, Object> claims) {
        try {
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
                    .getBytes(StandardCharsets.UTF_8));
            String payload = b64.encodeToString(new ObjectMapper().writeValueAsBytes(claims));
            byte[] signature = hmac(JWT_SECRET, header + "." + payload);
            return header + "." + payload + "." + b64.encodeToString(signature);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** hex HMAC-SHA256(play_secret, "app/name|expires"), as the README signs play URLs. */
    private static String playToken(String path, long expires) {
        return HexFormat.of().formatHex(hmac(PLAY_SECRET, path + "|" + expires));
    }

    private static byte[] hmac(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
