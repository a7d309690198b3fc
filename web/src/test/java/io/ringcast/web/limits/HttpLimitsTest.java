package io.ringcast.web.limits;

import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.web.RingcastServer;
import io.ringcast.web.testing.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.*;

/** HTTP request limits against hostile clients: oversized heads, slowloris, idle connections; the server goes on. */
@Timeout(30)
class HttpLimitsTest {
    private RingcastServer server;

    @BeforeEach
    void start() {
        server = RingcastServer.start(ConfigFile.parse("""
                [rtmp]
                enable = false
                [http]
                address = "127.0.0.1"
                port = 0
                max_header_bytes = 4096
                request_parse_timeout_ms = 1000
                idle_timeout_ms = 1500
                """, "http-limits.toml"), OptionalInt.empty());
    }

    @AfterEach
    void stop() {
        server.close();
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
            assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 4"), "refused, never served: "
                    + answer.substring(0, Math.min(80, answer.length())));
            assertFalse(answer.contains("\"streams\""));
        }
        assertHealthy();
    }

    @Test
    void shouldCloseASlowlorisClientAfterTheParseTimeout() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /api/streams HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            String answer = readToClose(socket.getInputStream()); // never finishes its head
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertFalse(answer.contains("\"streams\""));
            assertTrue(waitedMs >= 500 && waitedMs < 8_000, "closed after about the 1 s parse timeout: " + waitedMs);
        }
        assertHealthy();
    }

    @Test
    void shouldCloseAnIdleConnectionAfterTheIdleTimeout() throws Exception {
        try (Socket socket = connect()) {
            long start = System.nanoTime();
            assertEquals(-1, socket.getInputStream().read(), "closed without a request");
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waitedMs >= 1_000 && waitedMs < 8_000, "closed after about the 1.5 s idle timeout: "
                    + waitedMs);
        }
        assertHealthy();
    }
}
