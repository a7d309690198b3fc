package io.ringcast.web.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ringcast.ingest.relay.RelayRefusedException;
import io.ringcast.ingest.relay.RelayView;
import io.ringcast.ingest.relay.Relays;
import io.ringcast.web.testing.FakeRelays;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.LoopbackServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.HttpURLConnection;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * livego's {@code /control/pull} and {@code /control/push} against a fake {@link Relays}: every answer's HTTP status,
 * livego {@code status} and {@code data} text (livego's {@code protocol/api/api.go}, with its wrong statuses made
 * right), the admin JWT in front of them, and 503 while the relay plugin is off.
 */
@Timeout(60)
class RelayControlApiTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-ringcast-test";
    private static final String URL = "rtmp://user:pw@10.0.0.1:1935/live/cam?key=abc";
    private static final String MASKED = "rtmp://***@10.0.0.1:1935/live/cam?key=***";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LoopbackServer server;
    private final FakeRelays relays = new FakeRelays();
    private String jwt;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start("""
                [relay]
                enable = false
                [control]
                jwt_secret = "%s"
                """.formatted(SECRET));
        jwt = token(SECRET);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private record Answer(int httpStatus, int status, String data) {
    }

    private Answer call(String pathAndQuery, String bearer) throws Exception {
        HttpURLConnection c = Http.open(server.httpPort(), "GET", pathAndQuery);
        if (bearer != null) {
            c.setRequestProperty("Authorization", "Bearer " + bearer);
        }
        int httpStatus = c.getResponseCode();
        assertEquals("application/json", c.getContentType(), pathAndQuery);
        JsonNode body = JSON.readTree(Http.body(c));
        assertEquals(2, body.size(), "livego's {status, data} only: " + body);
        return new Answer(httpStatus, body.get("status").asInt(), body.get("data").asText());
    }

    private Answer admin(String direction, String query) throws Exception {
        Answer answer = call("/control/" + direction + "?" + query, jwt);
        assertEquals(answer.httpStatus(), answer.status(), "livego's status is the HTTP status");
        return answer;
    }

    private static String q(String app, String name, String url) {
        return "app=" + app + "&name=" + name + "&url=" + URLEncoder.encode(url, StandardCharsets.UTF_8);
    }

    @Test
    void shouldStartAndStopPullsWithLivegosTextsAndRightStatuses() throws Exception {
        server.engine().registerService(Relays.class, relays);
        Answer started = admin("pull", "oper=start&" + q("live", "cam", URL));
        assertEquals(new Answer(200, 200, "<h1>pull url start " + MASKED + " ok</h1></br>"), started);
        List<RelayView> listed = relays.relays();
        assertEquals(1, listed.size());
        assertEquals("pull:live/cam", listed.get(0).key());

        Answer stopped = admin("pull", "oper=stop&" + q("live", "cam", URL));
        assertEquals(new Answer(200, 200, "<h1>pull url stop " + MASKED + " ok</h1></br>"), stopped,
                "livego answers a successful stop 400; we answer 200");
        assertTrue(relays.relays().isEmpty());

        assertEquals(new Answer(400, 400, "session key[pull:live/cam] not exist, please check it again."),
                admin("pull", "oper=stop&" + q("live", "cam", URL)));
        assertEquals(new Answer(400, 400, "session key[pull:live/cam] not exist, please check it again."),
                admin("pull", "oper=stop&app=live&name=cam"), "a stop needs no url");

        assertEquals(200, admin("pull", "oper=restart&" + q("live", "a", URL)).status(),
                "any oper but stop starts");
        assertEquals(200, admin("pull", q("live", "b", URL)).status(), "no oper starts too");
        assertEquals(new Answer(200, 200, "<h1>pull url stop live/b ok</h1></br>"),
                admin("pull", "oper=stop&app=live&name=b"), "without a url the stop names the stream");
    }

    @Test
    void shouldStartAndStopPushesWithLivegosTextsAndRightStatuses() throws Exception {
        server.engine().registerService(Relays.class, relays);
        assertEquals(new Answer(200, 200, "<h1>push url start " + MASKED + " ok</h1></br>"),
                admin("push", "oper=start&" + q("live", "cam", URL)));
        assertEquals("push:live/cam", relays.relays().get(0).key());
        assertEquals(new Answer(200, 200, "<h1>push url stop " + MASKED + " ok</h1></br>"),
                admin("push", "oper=stop&" + q("live", "cam", URL)));
        assertEquals(new Answer(400, 400, "<h1>session key[push:live/cam] not exist, please check it again.</h1>"),
                admin("push", "oper=stop&" + q("live", "cam", URL)), "livego answers it 200; we answer 400");
    }

    @Test
    void shouldAnswerMissingParametersWithLivegosText() throws Exception {
        server.engine().registerService(Relays.class, relays);
        for (String direction : List.of("pull", "push")) {
            for (String query : List.of("oper=start&name=cam&url=rtmp://h/live/x", "oper=start&app=live&url=x",
                    "oper=start&app=live&name=cam", "oper=start&app=&name=cam&url=x", "oper=stop&app=live", "")) {
                assertEquals(new Answer(400, 400, "control push parameter error, please check them."),
                        admin(direction, query), direction + "?" + query);
            }
        }
        assertTrue(relays.relays().isEmpty(), "nothing started");
    }

    @Test
    void shouldAnswerRefusalsWithTheirStatusAndLivegosPushErrorPrefix() throws Exception {
        server.engine().registerService(Relays.class, relays);
        for (int status : new int[] {400, 403, 409, 503}) {
            relays.refuseWith(new RelayRefusedException(status, "reason " + status));
            for (String direction : List.of("pull", "push")) {
                assertEquals(new Answer(status, status, "push error=reason " + status),
                        admin(direction, "oper=start&" + q("live", "cam", URL)), direction + " refused " + status);
            }
        }
        assertEquals(400, admin("pull", "oper=start&" + q("live", "bad%20name", URL)).status(),
                "an invalid name never reaches the relays");
        assertTrue(relays.relays().isEmpty());
    }

    @Test
    void shouldRefuseMissingAndBadCredentialsAndAnswer503WithoutTheRelayPlugin() throws Exception {
        for (String direction : List.of("pull", "push")) {
            String query = "/control/" + direction + "?oper=start&" + q("live", "cam", URL);
            Answer missing = call(query, null);
            assertEquals(401, missing.httpStatus());
            assertEquals(401, missing.status());
            Answer forged = call(query, token(SECRET.replace('0', '1')));
            assertEquals(new Answer(403, 403, "invalid signature"), forged);
            assertEquals(new Answer(503, 503, "relays are not available: the relay plugin is disabled"),
                    call(query, jwt), "no Relays service registered");
        }
        server.engine().registerService(Relays.class, relays);
        assertEquals(401, call("/control/pull?oper=start&" + q("live", "cam", URL), null).httpStatus());
        assertTrue(relays.relays().isEmpty(), "refused requests start nothing");
    }

    private static String token(String secret) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("admin")
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }
}
