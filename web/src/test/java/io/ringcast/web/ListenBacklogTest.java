package io.ringcast.web;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.ServerCounters;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.ingest.server.ListenBacklog;
import io.ringcast.ingest.server.RtmpServer;
import io.ringcast.ingest.testing.TestRtmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both listeners ask the kernel for the longest accept queue it allows. With Undertow's default (1,000) the HTTP
 * queue overflowed under the chaos test's connection churn, the kernel dropped a SYN of the health sampler, and its
 * request waited a second for the retransmission; RTMP had 128, less than a room of players joining at once.
 * The queue a listening socket got is what {@code ss} shows as its Send-Q.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ListenBacklogTest {
    private HttpListener http;
    private Engine engine;
    private RtmpServer rtmp;

    @AfterEach
    void stop() {
        if (http != null) {
            http.close();
        }
        if (rtmp != null) {
            rtmp.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void shouldGiveTheHttpListenerTheLongestAcceptQueueTheKernelAllows() throws Exception {
        http = HttpListener.start(HttpConfig.read(TestConfig.loopback().set("http", "fanout_threads", 1)
                .configFile()), exchange -> exchange.getResponseSender().send("ok"), new ServerCounters());
        assertEquals(expectedBacklog(), listenBacklog(http.port()));
    }

    @Test
    void shouldGiveTheRtmpListenerTheLongestAcceptQueueTheKernelAllows() throws Exception {
        engine = new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM, 1).start();
        rtmp = TestRtmpServer.start(TestRtmpServer.smallServer(), engine);
        assertEquals(expectedBacklog(), listenBacklog(rtmp.localAddress().getPort()));
    }

    private static int expectedBacklog() throws IOException {
        // Not Files.readString: on this procfs file (size 0) it returned the first byte only.
        int somaxconn = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn"),
                StandardCharsets.US_ASCII).get(0).trim());
        assertTrue(somaxconn >= 1_024, "this machine's net.core.somaxconn is " + somaxconn
                + "; the test needs at least 1,024 to tell a raised queue from a default one");
        return Math.min(ListenBacklog.CONNECTIONS, somaxconn);
    }

    /** The accept queue of the socket listening on 127.0.0.1:{@code port}: the Send-Q column of {@code ss -ltn}. */
    private static int listenBacklog(int port) throws Exception {
        Process ss = new ProcessBuilder("ss", "-ltnH", "sport = :" + port).redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertTrue(ss.waitFor(10, TimeUnit.SECONDS) && ss.exitValue() == 0, "ss failed: " + out);
        String[] columns = out.split("\\s+");
        assertTrue(columns.length >= 4 && columns[0].equals("LISTEN"), "one listening socket on " + port + ": " + out);
        return Integer.parseInt(columns[2]);
    }
}
