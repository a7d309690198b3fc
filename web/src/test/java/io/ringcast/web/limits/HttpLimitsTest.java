package io.ringcast.web.limits;

import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.LoopbackServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * HTTP request limits against hostile clients: oversized heads, slowloris, idle connections; each is counted in
 * {@code GET /api/server} and the server goes on.
 */
@Timeout(30)
class HttpLimitsTest {
    private static final String HEADER_TOO_LARGE = "http.closed.header_too_large";
    private static final String REQUEST_PARSE_TIMEOUT = "http.closed.request_parse_timeout";
    private static final String IDLE_TIMEOUT = "http.closed.idle_timeout";
    private static final Duration COUNTED_WITHIN = Duration.ofSeconds(10);

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private LoopbackServer server;

    @BeforeEach
    void start() {
        server = cleanup.add(LoopbackServer.start("""
                [rtmp]
                enable = false
                [http]
                max_header_bytes = 4096
                request_parse_timeout_ms = 1000
                idle_timeout_ms = 1500
                """));
    }

    private Socket connect() throws Exception {
        Socket socket = new Socket("127.0.0.1", server.httpPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Reads until the server closes; returns what it sent. */
    private static String readToClose(InputStream in) throws Exception {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /**
     * The close was counted under {@code name} alone: the limits are told apart. Idle closes are not checked for
     * 0, since the test's own keep-alive stats connections may be closed idle meanwhile.
     */
    private void assertCountedOnly(String name) throws Exception {
        for (String counter : new String[] {HEADER_TOO_LARGE, REQUEST_PARSE_TIMEOUT}) {
            assertEquals(counter.equals(name) ? 1 : 0, server.counter(counter), counter);
        }
    }

    private void assertHealthy() throws Exception {
        assertEquals(200, Http.open(server.httpPort(), "GET", "/api/streams").getResponseCode(),
                "the server still serves others");
    }

    @Test
    void shouldRefuseAnOversizedRequestHead() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/streams HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(8_000) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = readToClose(socket.getInputStream());
            // Undertow's own refusal, a fixed 400 without body; its text cannot be changed (no 431).
            assertTrue(answer.startsWith("HTTP/1.1 400 "), "refused with 400, never served: "
                    + answer.substring(0, Math.min(80, answer.length())));
            assertFalse(answer.contains("\"streams\""));
        }
        server.awaitCounter(HEADER_TOO_LARGE, 1, COUNTED_WITHIN);
        assertCountedOnly(HEADER_TOO_LARGE);
        assertHealthy();
    }

    @Test
    void shouldCloseASlowlorisClientAfterTheParseTimeout() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /api/streams HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = readToClose(socket.getInputStream()); // never finishes its head
            assertEquals("", answer, "closed without an answer");
        }
        server.awaitCounter(REQUEST_PARSE_TIMEOUT, 1, COUNTED_WITHIN);
        assertCountedOnly(REQUEST_PARSE_TIMEOUT);
        assertHealthy();
    }

    @Test
    void shouldCloseAnIdleConnectionAfterTheIdleTimeout() throws Exception {
        try (Socket socket = connect()) {
            assertEquals(-1, socket.getInputStream().read(), "closed without a request");
        }
        server.awaitCounter(IDLE_TIMEOUT, 1, COUNTED_WITHIN);
        assertCountedOnly(IDLE_TIMEOUT);
        assertHealthy();
    }
}
