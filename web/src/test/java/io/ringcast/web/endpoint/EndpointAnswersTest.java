package io.ringcast.web.endpoint;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ringcast.broadcast.auth.PlayTokens;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.web.testing.LoopbackServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * What every endpoint answers before and around its own work (engine lookup, play/stats/admin access, CORS), pinned
 * byte for byte: a raw HTTP/1.1 client sends GET, HEAD and OPTIONS to each endpoint, without and with the right
 * credential, to a server with play tokens, an admin JWT and {@code protect_stats}; status line, every header but
 * {@code Date} (sorted, so only their values count, not the order the code set them in) and body are compared with
 * {@code endpoint-answers.txt}, recorded from the servlets before the endpoint filter took these concerns over.
 * Run with {@code -Dringcast.endpoint.answers.record=FILE} to write the transcript instead.
 */
@Timeout(120)
class EndpointAnswersTest {
    private static final String PLAY_SECRET = "play-secret-0123456789abcdef0123456789";
    private static final String JWT_SECRET = "0123456789abcdef0123456789abcdef-ringcast-test";
    private static final String RECORD = "ringcast.endpoint.answers.record";

    @TempDir
    Path dir;
    private LoopbackServer server;

    @BeforeEach
    void start() {
        server = LoopbackServer.start("""
                [relay]
                enable = false
                [auth]
                play_secret = "%s"
                [control]
                jwt_secret = "%s"
                protect_stats = true
                [latency_log]
                enable = true
                directory = "%s"
                """.formatted(PLAY_SECRET, JWT_SECRET, dir.resolve("latency-logs")));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldAnswerEveryEndpointAsBeforeTheFilter() throws Exception {
        String jwt = jwt();
        long expires = Instant.now().getEpochSecond() + 600;
        String play = "?expires=" + expires + "&token="
                + new PlayTokens(PLAY_SECRET, Clock.systemUTC()).sign(StreamPath.parse("live/x"), expires);
        List<String[]> requests = new ArrayList<>();
        for (String method : List.of("GET", "HEAD", "OPTIONS")) {
            for (String path : List.of("/live/x.flv", "/live/x.m3u8", "/live/x/1.ts", "/api/streams",
                    "/ops/latency", "/ops/latency.csv", "/", "/play/live/x", "/assets/ringcast.css",
                    "/control/get?room=r")) {
                requests.add(new String[] {method, path, null});
            }
        }
        for (String method : List.of("GET", "HEAD")) {
            requests.add(new String[] {method, "/live/x.flv" + play, null});
            requests.add(new String[] {method, "/live/x.m3u8" + play, null});
            requests.add(new String[] {method, "/live/x/1.ts" + play, null});
            requests.add(new String[] {method, "/bad.flv", null});
            requests.add(new String[] {method, "/bad.m3u8", null});
            requests.add(new String[] {method, "/api/streams", jwt});
            requests.add(new String[] {method, "/api/nothing", jwt});
            requests.add(new String[] {method, "/api/streams", "not.a.jwt"});
            requests.add(new String[] {method, "/ops/latency?from=2024-01-02&to=2024-01-01", jwt});
            requests.add(new String[] {method, "/ops/latency.csv?from=2024-01-01&to=2024-01-03", jwt});
            requests.add(new String[] {method, "/", jwt});
            requests.add(new String[] {method, "/play/live/x", jwt});
            requests.add(new String[] {method, "/play/live", null});
            requests.add(new String[] {method, "/assets/nothing.js", null});
            requests.add(new String[] {method, "/control/delete?room=none", jwt});
            requests.add(new String[] {method, "/control/nothing", jwt});
            requests.add(new String[] {method, "/control/get?room=r", "not.a.jwt"});
        }
        requests.add(new String[] {"TRACE", "/api/streams", null});
        requests.add(new String[] {"DELETE", "/live/x.flv", null});
        // The relay endpoints (issue 13), after the recorded ones: without the relay plugin (no Relays service).
        for (String method : List.of("GET", "HEAD", "OPTIONS")) {
            for (String path : List.of("/stat/livestat", "/live?src=a&app=live&stream=x", "/api/relays",
                    "/control/pull?oper=start&app=live&name=x&url=rtmp://h/live/x")) {
                requests.add(new String[] {method, path, null});
            }
        }
        for (String method : List.of("GET", "HEAD")) {
            requests.add(new String[] {method, "/stat/livestat", jwt});
            requests.add(new String[] {method, "/stat/livestat?room=live/none", jwt});
            requests.add(new String[] {method, "/stat/livestat", "not.a.jwt"});
            requests.add(new String[] {method, "/live?src=a&app=live&stream=x" + play.replace('?', '&'), null});
            requests.add(new String[] {method, "/live?src=a&app=live", null});
            requests.add(new String[] {method, "/api/relays", jwt});
            requests.add(new String[] {method, "/control/pull?oper=start&app=live&name=x&url=rtmp://h/live/x", jwt});
            requests.add(new String[] {method, "/control/push?oper=stop&app=live", jwt});
            requests.add(new String[] {method, "/control/push?oper=stop&app=live&name=x", "not.a.jwt"});
        }
        // LL-HLS (issue 16), after the recorded ones: play tokens and CORS as for MPEG-TS HLS, preflights.
        for (String method : List.of("GET", "HEAD", "OPTIONS")) {
            for (String path : List.of("/llhls/live/x.m3u8", "/llhls/live/x/init0.mp4", "/llhls/live/x/1.2.m4s")) {
                requests.add(new String[] {method, path, null});
            }
        }
        for (String method : List.of("GET", "HEAD")) {
            requests.add(new String[] {method, "/llhls/live/x.m3u8" + play, null});
            requests.add(new String[] {method, "/llhls/live/x.m3u8" + play + "&_HLS_msn=100&_HLS_part=0", null});
            requests.add(new String[] {method, "/llhls/live/x/init0.mp4" + play, null});
            requests.add(new String[] {method, "/llhls/bad.m3u8", null});
        }

        StringBuilder transcript = new StringBuilder();
        for (String[] r : requests) {
            transcript.append("### ").append(r[0]).append(' ').append(r[1].replace(play, "?<play token>")
                            .replace(play.replace('?', '&'), "&<play token>"))
                    .append(r[2] == null ? "" : r[2].equals(jwt) ? " (admin JWT)" : " (bearer " + r[2] + ")")
                    .append('\n').append(answer(r[0], r[1], r[2])).append('\n');
        }
        String actual = transcript.toString();
        String record = System.getProperty(RECORD);
        if (record != null && !record.isBlank()) {
            Files.writeString(Path.of(record), actual);
            return;
        }
        try (InputStream expected = EndpointAnswersTest.class.getResourceAsStream("endpoint-answers.txt")) {
            assertNotNull(expected, "endpoint-answers.txt");
            String want = new String(expected.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(want, actual);
        }
    }

    /** Status line, sorted headers without Date, and the body with the clock's traces masked. */
    private String answer(String method, String path, String bearer) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.httpPort())) {
            socket.setSoTimeout(10_000);
            String request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n") + "\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = raw.indexOf("\r\n\r\n");
            String[] head = raw.substring(0, end).split("\r\n");
            List<String> headers = new ArrayList<>();
            for (int i = 1; i < head.length; i++) {
                if (!head[i].toLowerCase(Locale.ROOT).startsWith("date:")) {
                    int colon = head[i].indexOf(':');
                    headers.add(head[i].substring(0, colon).toLowerCase(Locale.ROOT) + head[i].substring(colon));
                }
            }
            headers.sort(null);
            String body = raw.substring(end + 4)
                    .replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "<time>")
                    .replaceAll("error [0-9a-f]{8}", "error <id>");
            return head[0] + "\n" + String.join("\n", headers) + "\n\n" + body + "\n";
        }
    }

    private static String jwt() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .subject("admin").expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        jwt.sign(new MACSigner(JWT_SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }
}
