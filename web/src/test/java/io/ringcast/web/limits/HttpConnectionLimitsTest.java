package io.ringcast.web.limits;

import io.ringcast.broadcast.testing.Await;
import io.ringcast.web.testing.LoopbackServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * HTTP {@code max_connections} and {@code max_connections_per_ip}: a connection over either is answered at once
 * with 503 or 429, a reason and Retry-After, then closed cleanly (no reset that would eat the answer); it is
 * counted in {@code GET /api/server}, and a freed slot serves again. Clients come from several loopback addresses
 * (127.0.0.2 and up; Linux routes all of 127/8 to lo), while 127.0.0.1 is left for the stats requests at the end.
 */
@Timeout(30)
class HttpConnectionLimitsTest {
    private static final String REFUSED_TOTAL = "http.refused.max_connections";
    private static final String REFUSED_PER_IP = "http.refused.max_connections_per_ip";
    private static final Duration WITHIN = Duration.ofSeconds(10);
    /** More than fits a loopback socket's first read, so refusing without reading it would risk a reset. */
    private static final String PADDING = "X-Padding: " + "p".repeat(6_000) + "\r\n";

    private final List<Socket> sockets = new ArrayList<>();
    private LoopbackServer server;
    /** Refusals met by {@link #served} while the server had not yet seen a close: counted like any other. */
    private int refused429WhileWaiting;
    private int refused503WhileWaiting;

    @BeforeEach
    void start() {
        server = LoopbackServer.start("""
                [rtmp]
                enable = false
                [http]
                max_connections = 3
                max_connections_per_ip = 2
                """);
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        server.close();
    }

    private Socket connect(String fromAddress) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(fromAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.httpPort()));
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends a keep-alive request and returns the status line of the answer; the connection stays open. */
    private static String request(Socket socket, String extraHeaders) throws IOException {
        socket.getOutputStream().write(("GET /api/streams HTTP/1.1\r\nHost: x\r\n" + extraHeaders + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return readLine(socket.getInputStream());
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("closed before a status line: " + line);
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII).strip();
    }

    /** Sends a request and reads the whole answer up to the server's close; a reset fails the read. */
    private static String refusedAnswer(Socket socket) throws IOException {
        socket.getOutputStream().write(("GET /live/x.flv HTTP/1.1\r\nHost: x\r\n" + PADDING + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private long counted(String name) {
        Long value = server.engine().counters().snapshot().get(name);
        return value == null ? 0 : value;
    }

    @Test
    void shouldCountOpenConnectionsWhileTheyAreOpenAndNotRefusedOnes() throws Exception {
        assertEquals("HTTP/1.1 200 OK", request(connect("127.0.0.2"), ""));
        Socket second = connect("127.0.0.2");
        assertEquals("HTTP/1.1 200 OK", request(second, ""));
        assertEquals(2, openHttp());
        assertTrue(refusedAnswer(connect("127.0.0.2")).startsWith("HTTP/1.1 429 "), "over max_connections_per_ip");
        assertTrue(refusedAnswer(connect("127.0.0.2")).startsWith("HTTP/1.1 429 "));
        Await.until("refused connections not counted as open", WITHIN, () -> openHttp() == 2);
        second.close();
        Await.until("a closed connection no longer counted", WITHIN, () -> openHttp() == 1);
        assertEquals(java.util.Set.of("http"), server.engine().counters().openConnections().keySet(), "rtmp is off");
    }

    private int openHttp() {
        return server.engine().counters().openConnections().get("http");
    }

    @Test
    void shouldAnswer429AboveTheConnectionsOfOneAddressAndServeOthers() throws Exception {
        Socket first = connect("127.0.0.2");
        assertEquals("HTTP/1.1 200 OK", request(first, ""));
        assertEquals("HTTP/1.1 200 OK", request(connect("127.0.0.2"), ""));

        String answer = refusedAnswer(connect("127.0.0.2"));
        assertTrue(answer.startsWith("HTTP/1.1 429 Too Many Requests\r\n"), answer);
        assertTrue(answer.contains("\r\nRetry-After: 5\r\n"), answer);
        assertTrue(answer.endsWith("too many connections from your address: 2 at once is the maximum"
                + " ([http] max_connections_per_ip)\n"), "the reason, whole: " + answer);
        assertEquals(1, counted(REFUSED_PER_IP));

        assertEquals("HTTP/1.1 200 OK", request(connect("127.0.0.3"), ""), "another address is served");
        first.close();
        Await.until("a freed slot of 127.0.0.2 serves again", WITHIN, () -> served("127.0.0.2"));
        assertEquals(1 + refused429WhileWaiting, counted(REFUSED_PER_IP));
        assertEquals(refused503WhileWaiting, counted(REFUSED_TOTAL));
    }

    @Test
    void shouldAnswer503AboveTheConnectionsInAllAndServeAgainOnceOneCloses() throws Exception {
        Socket first = connect("127.0.0.2");
        assertEquals("HTTP/1.1 200 OK", request(first, ""));
        assertEquals("HTTP/1.1 200 OK", request(connect("127.0.0.3"), ""));
        assertEquals("HTTP/1.1 200 OK", request(connect("127.0.0.4"), ""));

        String answer = refusedAnswer(connect("127.0.0.5"));
        assertTrue(answer.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), answer);
        assertTrue(answer.contains("\r\nRetry-After: 5\r\n"), answer);
        assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
        assertTrue(answer.endsWith("server busy: 3 HTTP connections at once is its maximum ([http] max_connections);"
                + " retry later\n"), "the reason, whole: " + answer);
        assertEquals(1, counted(REFUSED_TOTAL));
        assertEquals(0, counted(REFUSED_PER_IP));

        first.close();
        Await.until("a freed slot serves a new address", WITHIN, () -> served("127.0.0.5"));
        for (Socket s : sockets) {
            s.close();
        }
        // The server frees a slot when it sees a close, which may come after the client moved on: the stats request
        // itself may still be refused, and is counted like any other refusal then.
        long[] counters = new long[2];
        Await.until("every slot is free for the stats", WITHIN, () -> readRefusals(counters));
        assertEquals(1 + refused503WhileWaiting, counters[0], "shown in GET /api/server");
        assertEquals(refused429WhileWaiting, counters[1]);
    }

    /** Reads both refusal counters from GET /api/server into {@code into}; false (counted) when refused for a limit. */
    private boolean readRefusals(long[] into) {
        try {
            into[0] = server.counter(REFUSED_TOTAL);
            into[1] = server.counter(REFUSED_PER_IP);
            return true;
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains(" answered 503")) {
                refused503WhileWaiting++;
            } else if (message.contains(" answered 429")) {
                refused429WhileWaiting++;
            } else {
                throw new java.io.UncheckedIOException(e);
            }
            return false;
        }
    }

    /**
     * Whether a new connection from the address is served now (the server frees a slot when it sees the close);
     * counts the refusals it meets meanwhile.
     */
    private boolean served(String fromAddress) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(fromAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", server.httpPort()));
            socket.setSoTimeout(10_000);
            String status = request(socket, "Connection: close\r\n");
            if (status.startsWith("HTTP/1.1 503 ")) {
                refused503WhileWaiting++;
            } else if (status.startsWith("HTTP/1.1 429 ")) {
                refused429WhileWaiting++;
            }
            return status.equals("HTTP/1.1 200 OK");
        } catch (IOException e) {
            throw new AssertionError("connecting from " + fromAddress + " failed", e);
        }
    }
}
