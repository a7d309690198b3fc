package io.ringcast.ingest.server;

import com.sun.management.UnixOperatingSystemMXBean;
import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.ingest.testing.TestRtmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, finding 6: what an RTMP connection costs of the process's file descriptor limit. A connection that
 * waits for its peer (handshaken, before connect: the longest-lived state a silent client can hold) takes its
 * socket's descriptor and no more. Client and server run in this JVM: each client socket counts one of its own.
 */
@Timeout(30)
class RtmpConnectionFdTest {
    private static final int CONNECTIONS = 40;
    /** Lazily opened jars or the like may add a few descriptors while the test runs. */
    private static final double MAX_FDS_PER_CONNECTION = 1.25;

    private Engine engine;
    private RtmpServer server;
    private final List<RawRtmpClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        engine = new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM, 1).start();
        server = TestRtmpServer.start(TestConfig.loopback().toml("""
                [rtmp]
                handshake_timeout_ms = 10000
                idle_timeout_ms = 10000
                max_connections = 100
                player_loop_threads = 1
                max_connections_per_ip = 100
                """), engine);
    }

    @AfterEach
    void stop() throws IOException {
        for (RawRtmpClient c : clients) {
            c.close();
        }
        server.close();
        engine.close();
    }

    @Test
    void shouldHoldOneFileDescriptorPerWaitingConnection() throws IOException {
        UnixOperatingSystemMXBean os = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        new RawRtmpClient(server.localAddress().getPort(), 0).close(); // classes loaded, threads started
        long before = os.getOpenFileDescriptorCount();
        for (int i = 0; i < CONNECTIONS; i++) {
            clients.add(new RawRtmpClient(server.localAddress().getPort(), 0)); // returns once handshaken
        }
        long after = os.getOpenFileDescriptorCount();
        assertTrue(server.connectionCount() >= CONNECTIONS, "all served: " + server.connectionCount());

        double serverFdsPerConnection = (double) (after - before - CONNECTIONS) / CONNECTIONS;
        System.out.printf("%d waiting RTMP connections: %d file descriptors more, %.2f per connection on the server%n",
                CONNECTIONS, after - before, serverFdsPerConnection);
        assertTrue(serverFdsPerConnection <= MAX_FDS_PER_CONNECTION,
                "file descriptors per server connection: " + serverFdsPerConnection);
    }
}
