package io.ringcast.perf.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.ingest.testing.RawRtmpClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11, finding 6: the server runs with {@code ulimit -n 512} and 250 RTMP connections arrive that never send
 * a byte. Before the fix the RTMP accept loop retried without pause on "Too many open files": millions of log lines
 * and half a core. Now the log stays small, CPU low, and the server serves again once the connections are gone.
 */
@Tag("hostile")
@Timeout(120)
class FileDescriptorExhaustionTest {
    private static final int OPEN_FILES_LIMIT = 512;
    private static final int SILENT_CONNECTIONS = 250;
    private static final long WATCH_MS = 8_000;
    /** A log line or two per interval is fine; a line per accept attempt is not. */
    private static final long LOG_GROWTH_LIMIT_BYTES = 256 * 1024;
    /** Idle with 250 silent sockets, the server needs a few percent of a core; a spinning accept loop needs 50. */
    private static final double CPU_LIMIT_CORES = 0.15;

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private ServerProcess server;
    private final List<SocketChannel> silent = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        closeSilent();
    }

    @Test
    void shouldKeepLogAndCpuSmallWhenSilentConnectionsExhaustFileDescriptors() throws Exception {
        server = cleanup.add(ServerProcess.start(ServerProcess.Options.of(TestConfig.loopback())
                .withOpenFilesLimit(OPEN_FILES_LIMIT)));
        int fdsBefore = server.fds();
        long logBefore = server.logBytes();
        double cpuBefore = server.cpuSeconds();
        long start = System.nanoTime();
        for (int i = 0; i < SILENT_CONNECTIONS; i++) {
            SocketChannel c = SocketChannel.open();
            c.configureBlocking(false);
            c.bind(new InetSocketAddress(i % 2 == 0 ? "127.0.0.10" : "127.0.0.11", 0));
            c.connect(new InetSocketAddress("127.0.0.1", server.rtmpPort()));
            silent.add(c);
        }
        int fdsPeak = fdsBefore;
        long end = start + TimeUnit.MILLISECONDS.toNanos(WATCH_MS);
        while (System.nanoTime() < end && server.isAlive()) {
            fdsPeak = Math.max(fdsPeak, server.fds());
            Thread.sleep(200); // sampling another process's fd count over a fixed window
        }
        double windowS = (System.nanoTime() - start) / 1e9;
        double cpuCores = (server.cpuSeconds() - cpuBefore) / windowS;
        long logGrowth = server.logBytes() - logBefore;
        String log = server.logText();
        long emfileLines = log.lines().filter(l -> l.contains("Too many open files")).count();
        String figures = String.format("ulimit -n %d, %d silent RTMP connections for %.1f s: fds %d -> peak %d, "
                + "log +%d bytes (%d lines saying Too many open files), CPU %.2f cores", OPEN_FILES_LIMIT,
                SILENT_CONNECTIONS, windowS, fdsBefore, fdsPeak, logGrowth, emfileLines, cpuCores);
        System.out.println("[hostile] finding 6: " + figures);

        assertTrue(server.isAlive(), figures + "\n" + server.describe());
        assertTrue(logGrowth < LOG_GROWTH_LIMIT_BYTES, "the log grew by " + logGrowth + " bytes: " + figures);
        assertTrue(cpuCores < CPU_LIMIT_CORES, "CPU while descriptors are exhausted: " + figures);

        closeSilent();
        Health.awaitUntil("an RTMP client is served again", Duration.ofSeconds(15), () -> {
            try (RawRtmpClient c = new RawRtmpClient(server.rtmpPort(), 0)) {
                return "_result".equals(c.connectAnswer("live").amf().get(0));
            } catch (IOException | RuntimeException e) {
                return false;
            }
        });
        Health.assertResponsive(server, "after the silent connections closed");
        assertTrue(server.fds() < fdsBefore + 50, "fds back near start: " + server.fds() + " vs " + fdsBefore);
    }

    private void closeSilent() {
        for (SocketChannel c : silent) {
            try {
                c.close();
            } catch (IOException e) {
                // already reset by the server
            }
        }
        silent.clear();
    }
}
