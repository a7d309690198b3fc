package io.ringcast.web.limits;

import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.web.testing.LoopbackServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP {@code new_connections_per_ip_per_second} and {@code new_connections_per_ip_burst}: an address that opens
 * connections faster than its bucket refills is answered 429 with the reason and {@code Retry-After: 1}, counted as
 * {@code http.refused.new_connections_per_ip}; other addresses have buckets of their own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpConnectionRateTest {
    private static final String REFUSED_RATE = "http.refused.new_connections_per_ip";

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private LoopbackServer server;

    @Test
    void shouldAnswer429WithTheReasonAboveTheBurstOfOneAddressAndServeOthers() throws Exception {
        server = cleanup.add(LoopbackServer.start("""
                [rtmp]
                enable = false
                [http]
                new_connections_per_ip_per_second = 1
                new_connections_per_ip_burst = 2
                """));
        assertTrue(answer("127.0.0.2").startsWith("HTTP/1.1 200 OK\r\n"));
        assertTrue(answer("127.0.0.2").startsWith("HTTP/1.1 200 OK\r\n"));
        String refused = answer("127.0.0.2");
        assertTrue(refused.startsWith("HTTP/1.1 429 Too Many Requests\r\n"), refused);
        assertTrue(refused.contains("\r\nRetry-After: 1\r\n"), refused);
        assertTrue(refused.endsWith("too many new connections from your address: 1 a second is the maximum after 2"
                + " at once ([http] new_connections_per_ip_per_second, new_connections_per_ip_burst);"
                + " retry in a second\n"), "the reason, whole: " + refused);
        assertTrue(answer("127.0.0.3").startsWith("HTTP/1.1 200 OK\r\n"), "another address is served");
        assertEquals(1, server.counter(REFUSED_RATE), "shown in GET /api/server");
        assertEquals(0, server.counter("http.refused.max_connections_per_ip"));
    }

    @Test
    void shouldNotCapOpenConnectionsPerAddressByDefault() throws Exception {
        server = cleanup.add(LoopbackServer.start("""
                [rtmp]
                enable = false
                """));
        Socket[] open = new Socket[300]; // above the old default cap of 200 open per address
        try {
            for (int i = 0; i < open.length; i++) {
                open[i] = connect("127.0.0.2");
                open[i].getOutputStream().write("GET /api/streams HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertEquals('H', open[i].getInputStream().read(), "connection " + i + " is answered");
            }
        } finally {
            for (Socket s : open) {
                if (s != null) {
                    s.close();
                }
            }
        }
        assertEquals(0, server.counter("http.refused.max_connections_per_ip"));
        assertEquals(0, server.counter(REFUSED_RATE));
    }

    private Socket connect(String fromAddress) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(fromAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.httpPort()));
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** The whole answer to one {@code Connection: close} request from the address. */
    private String answer(String fromAddress) throws IOException {
        try (Socket socket = connect(fromAddress)) {
            socket.getOutputStream().write("GET /api/streams HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
