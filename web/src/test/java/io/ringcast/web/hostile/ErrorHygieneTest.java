package io.ringcast.web.hostile;

import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.web.testing.LoopbackServer;
import io.ringcast.web.testing.SyntheticStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 11, finding 8: no HTTP answer shows an exception; a time out of range is a 400 with the reason; TRACE and
 * the other methods ringcast does not use answer 405 with {@code Allow}. Swept over every endpoint of a server with
 * all of them on (HTTP-FLV, HLS, stats, pages, the latency report, the control API), with raw requests.
 */
@Timeout(120)
class ErrorHygieneTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-ringcast-test";
    private static final int MAX_ANSWER_BYTES = 64 * 1024;
    /** Paths of every endpoint, plus a static resource and a path nothing is mapped to (the default servlet). */
    private static final List<String> ENDPOINTS = List.of("/", "/api/server", "/api/streams", "/api/streams/live/x",
            "/live/x.flv", "/live/x.m3u8", "/live/x/0.ts", "/ops/latency", "/ops/latency.csv", "/control/get",
            "/control/reset", "/play/live/x", "/assets/player.js", "/no/such/thing");
    private static final List<String> HOSTILE_QUERIES = List.of(
            "to=%2B1000000000-01-01T00:00:00Z",
            "from=-999999999999d&to=%2B999999999-12-31T23:59:59Z",
            "from=%zz&to=%",
            "%=%&&=&%C0%AF=%00%ff",
            "room=%ff%fe%fd&expires=99999999999999999999999&token=%E2%82",
            "expires=-1&token=" + "A".repeat(4_000),
            "x=" + "9".repeat(12_000),
            "a=1&".repeat(1_500));

    @TempDir
    Path logs;
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private LoopbackServer server;
    private SyntheticStream stream;

    @BeforeEach
    void start() {
        server = cleanup.add(LoopbackServer.start("""
                [control]
                jwt_secret = "%s"
                [latency_log]
                enable = true
                directory = "%s"
                interval_s = 1
                [hls]
                segment_duration_ms = 500
                """.formatted(SECRET, logs)));
        stream = cleanup.add(new SyntheticStream(server.engine(), "live/x"));
        for (int i = 0; i < 40; i++) {
            stream.video(SyntheticStream.videoFrame(i, i % 10 == 0, 2_000), i % 10 == 0, i * 60L);
        }
        Await.until("an HLS playlist of live/x", Duration.ofSeconds(20),
                () -> uncheckedStatus("GET", "/live/x.m3u8") == 200);
    }

    @Test
    void shouldAnswer400WithTheReasonForATimeOutOfRange() throws IOException {
        for (String query : List.of("to=%2B1000000000-01-01T00:00:00Z", "from=-1000000000-01-01T00:00:00Z",
                "to=%2B999999999-12-31", "from=-999999d")) {
            Answer answer = request("GET", "/ops/latency.csv?" + query);

            assertEquals(400, answer.status(), query + ": " + answer);
            assertTrue(answer.body().contains("out of range"), query + ": " + answer);
            assertNoException(answer, query);
        }
    }

    @Test
    void shouldAnswer405WithAllowForTraceOnEveryEndpoint() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (String path : ENDPOINTS) {
            Answer answer = request("TRACE", path);
            if (answer.status() != 405 || !"GET, HEAD, OPTIONS".equals(answer.header("Allow"))
                    || answer.body().contains("X-Secret")) {
                wrong.add("TRACE " + path + " -> " + answer.status() + " Allow: " + answer.header("Allow")
                        + (answer.body().contains("X-Secret") ? " (echoed the request)" : ""));
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void shouldAnswer405WithAllowForEveryOtherMethodRingcastDoesNotUse() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "PROPFIND", "CONNECT", "FOO")) {
            for (String path : List.of("/", "/api/server", "/live/x.m3u8", "/live/x.flv", "/assets/player.js")) {
                Answer answer = request(method, path);
                if (answer.status() != 405 || !"GET, HEAD, OPTIONS".equals(answer.header("Allow"))) {
                    wrong.add(method + " " + path + " -> " + answer.status() + " Allow: " + answer.header("Allow"));
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void shouldNeverOfferTraceInAnswersToOptions() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (String path : ENDPOINTS) {
            Answer answer = request("OPTIONS", path);
            String allow = answer.header("Allow");
            if (answer.status() >= 300 || allow == null || allow.contains("TRACE")) {
                wrong.add("OPTIONS " + path + " -> " + answer.status() + " Allow: " + allow);
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void shouldStillServeGetHeadAndOptions() throws IOException {
        assertEquals(200, request("GET", "/api/server").status());
        assertEquals(200, request("HEAD", "/live/x.m3u8").status());
        Answer preflight = request("OPTIONS", "/live/x.m3u8");
        assertEquals(204, preflight.status(), preflight.toString());
        assertEquals("*", preflight.header("Access-Control-Allow-Origin"));
    }

    @Test
    void shouldNeverShowAnExceptionForMalformedOrHugeQueriesOnAnyEndpoint() throws IOException {
        List<String> leaks = new ArrayList<>();
        for (String path : ENDPOINTS) {
            for (String query : HOSTILE_QUERIES) {
                Answer answer = request("GET", path + "?" + query);
                String shown = path + "?" + abbreviated(query) + " -> " + answer.status();
                if (leaks(answer.body())) {
                    leaks.add(shown + ": " + abbreviated(answer.body()));
                } else if (answer.status() >= 500 && answer.status() != 503) {
                    leaks.add(shown + " (a client's query is not a server error): " + abbreviated(answer.body()));
                }
            }
        }
        assertTrue(leaks.isEmpty(), leaks.size() + " answers:\n" + String.join("\n", leaks));
    }

    private static void assertNoException(Answer answer, String what) {
        assertFalse(leaks(answer.body()), what + ": " + answer);
    }

    private static boolean leaks(String body) {
        String lower = body.toLowerCase(Locale.ROOT);
        return lower.contains("exception") || body.contains("\tat ") || body.contains("at io.")
                || body.contains("at java.") || body.contains("at org.") || lower.contains("stack trace");
    }

    private static String abbreviated(String text) {
        String flat = text.replace("\r", "").replace("\n", " | ");
        return flat.length() <= 300 ? flat : flat.substring(0, 300) + "...";
    }

    record Answer(int status, String head, String body) {
        /** A response header's value, or null. */
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return status + " " + abbreviated(body);
        }
    }

    private int uncheckedStatus(String method, String path) {
        try {
            return request(method, path).status();
        } catch (IOException e) {
            throw new AssertionError(method + " " + path, e);
        }
    }

    /**
     * One raw request on a fresh connection ({@code Connection: close}), carrying a header TRACE would echo; the
     * answer read to its end, or its first {@value #MAX_ANSWER_BYTES} bytes (a live HTTP-FLV stream never ends).
     */
    private Answer request(String method, String pathAndQuery) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.httpPort()));
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write((method + " " + pathAndQuery + " HTTP/1.1\r\nHost: x\r\n"
                    + "X-Secret: cookie-like\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8_192];
            try {
                for (int n = in.read(buffer); n >= 0 && bytes.size() < MAX_ANSWER_BYTES; n = in.read(buffer)) {
                    bytes.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                // a stream that goes on: what arrived is the answer to check
            }
            String text = bytes.toString(StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.1 ") || headEnd < 0) {
                return new Answer(0, "", text);
            }
            return new Answer(Integer.parseInt(text.substring(9, 12)), text.substring(0, headEnd),
                    text.substring(headEnd + 4));
        }
    }
}
