package io.ringcast.ingest.server;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.ingest.RtmpConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

import static org.junit.jupiter.api.Assertions.*;

/** Connection limits at accept: refused connections are closed at once and counted; others are served. */
@Timeout(30)
class RtmpConnectionLimitsTest {
    private static final int HANDSHAKE_PACKET = 1536;

    private Engine engine;
    private RtmpServer server;

    @BeforeEach
    void start() throws IOException {
        engine = new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM, 1).start();
        RtmpConfig config = new RtmpConfig(true, "127.0.0.1", 0, 8 << 20, 1 << 24, 4096, 10_000, 10_000, 3, 1, 2,
                RtmpConfig.DEFAULT_PLAY_SEND_BUFFER_BYTES);
        server = new RtmpServer(config, engine);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        engine.close();
    }

    private Socket connect(String fromAddress) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(fromAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.localAddress().getPort()));
        socket.setSoTimeout(5_000);
        return socket;
    }

    /** Sends C0+C1 and reads S0+S1: true when the server answered, false when it closed the connection. */
    private static boolean handshakeAnswered(Socket socket) throws IOException {
        socket.getOutputStream().write(3);
        socket.getOutputStream().write(new byte[HANDSHAKE_PACKET]);
        InputStream in = socket.getInputStream();
        byte[] s0s1 = in.readNBytes(1 + HANDSHAKE_PACKET);
        return s0s1.length == 1 + HANDSHAKE_PACKET && s0s1[0] == 3;
    }

    private long counter(String name) {
        return engine.counters().snapshot().getOrDefault(name, 0L);
    }

    @Test
    void shouldRefuseAThirdConnectionFromOneAddressAndServeOtherAddresses() throws Exception {
        try (Socket first = connect("127.0.0.1"); Socket second = connect("127.0.0.1")) {
            assertTrue(handshakeAnswered(first));
            assertTrue(handshakeAnswered(second));
            try (Socket third = connect("127.0.0.1")) {
                assertEquals(-1, third.getInputStream().read(), "refused: closed without an answer");
            }
            assertEquals(1, counter("rtmp.refused.max_connections_per_ip"));
            try (Socket other = connect("127.0.0.2")) {
                assertTrue(handshakeAnswered(other), "another address is still served");
                try (Socket fourth = connect("127.0.0.3")) {
                    assertEquals(-1, fourth.getInputStream().read(), "refused: 3 connections in all is the maximum");
                    assertEquals(1, counter("rtmp.refused.max_connections"));
                }
            }
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.connectionCount() > 0) {
            assertTrue(System.nanoTime() < deadline, "the server noticed the closed connections");
            Thread.onSpinWait();
        }
        try (Socket again = connect("127.0.0.1")) {
            assertTrue(handshakeAnswered(again), "slots are freed when connections close");
        }
    }
}
