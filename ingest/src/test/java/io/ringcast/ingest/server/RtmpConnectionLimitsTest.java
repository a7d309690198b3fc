package io.ringcast.ingest.server;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.ingest.testing.TestRtmpServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Connection limits at accept: refused connections are told why at connect (a bounded number at once, a flood
 * beyond is closed at accept) and counted; others are served.
 */
@Timeout(30)
class RtmpConnectionLimitsTest {
    private static final int HANDSHAKE_PACKET = 1536;

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private Engine engine;
    private RtmpServer server;

    @BeforeEach
    void start() throws IOException {
        engine = cleanup.add(new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM, 1).start());
        server = cleanup.add(TestRtmpServer.start(TestConfig.loopback().toml("""
                [rtmp]
                handshake_timeout_ms = 10000
                idle_timeout_ms = 10000
                max_connections = 3
                player_loop_threads = 1
                max_connections_per_ip = 2
                """), engine));
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

    /** The refusal a client gets at connect: _error NetConnection.Connect.Rejected with the reason, then a close. */
    private String refusalAtConnect(String fromAddress) throws IOException {
        try (RawRtmpClient client = new RawRtmpClient(server.localAddress().getPort(), 0, fromAddress)) {
            RawRtmpClient.Message answer = client.connectAnswer("live");
            assertEquals("_error", answer.amf().get(0));
            assertEquals("NetConnection.Connect.Rejected", answer.statusCode());
            assertTrue(client.isClosedByServer(5_000), "closed after the answer");
            return answer.statusDescription();
        }
    }

    @Test
    void shouldRefuseAThirdConnectionFromOneAddressAndServeOtherAddresses() throws Exception {
        try (Socket first = connect("127.0.0.1"); Socket second = connect("127.0.0.1")) {
            assertTrue(handshakeAnswered(first));
            assertTrue(handshakeAnswered(second));
            assertEquals("too many connections from your address: 2 at once is the maximum"
                    + " ([rtmp] max_connections_per_ip)", refusalAtConnect("127.0.0.1"));
            assertEquals(1, counter("rtmp.refused.max_connections_per_ip"));
            try (Socket other = connect("127.0.0.2")) {
                assertTrue(handshakeAnswered(other), "another address is still served");
                assertEquals("server busy: 3 RTMP connections at once is its maximum ([rtmp] max_connections);"
                        + " retry later", refusalAtConnect("127.0.0.3"));
                assertEquals(1, counter("rtmp.refused.max_connections"));
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

    @Test
    void shouldCloseAFloodOfRefusedConnectionsAtAcceptOnceMaxRefusingAreBeingTold() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            held.add(connect("127.0.0.2"));
            held.add(connect("127.0.0.2"));
            held.add(connect("127.0.0.4"));
            for (Socket s : held) {
                assertTrue(handshakeAnswered(s), "three served: the maximum");
            }
            List<Socket> refused = new ArrayList<>();
            for (int i = 0; i < RtmpServer.MAX_REFUSING; i++) {
                Socket s = connect("127.0.0.3");
                held.add(s);
                refused.add(s);
            }
            for (Socket s : refused) {
                assertTrue(handshakeAnswered(s), "a refused client gets the handshake, then its reason at connect");
            }
            try (Socket flood = connect("127.0.0.3")) {
                assertEquals(-1, flood.getInputStream().read(), "beyond MAX_REFUSING: closed without a word");
            }
            assertEquals(RtmpServer.MAX_REFUSING + 1, counter("rtmp.refused.max_connections"),
                    "every refusal is counted");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
