package io.ringcast.web.e2e;

import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.testing.ChildServer;
import io.ringcast.web.testing.ViewerChurn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP-FLV viewer churn against a server process that runs with glibc's heap checks on ({@code MALLOC_CHECK_=3},
 * {@code MALLOC_PERTURB_}): two loops open {@code GET /live/x.flv} on a live stream and close at once, while the
 * per-address rate refuses part of them. Before the fix, Undertow returned the pooled direct buffer of a viewer's
 * response stream (and the pool freed it) while the fan-out worker still wrote into it; the JVM died with
 * "free(): corrupted unsorted chunks" or a SIGSEGV in free within seconds in about a third of such runs.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ViewerChurnUnderGlibcChecksTest {
    private static final int LOOPS = 2;
    private static final int CYCLES = 5_000;
    private static final Pattern REFUSED = Pattern.compile("\"http\\.refused\\.new_connections_per_ip\":(\\d+)");

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();

    @Test
    void shouldSurviveViewerChurnWithRefusalsUnderGlibcHeapChecks() throws Exception {
        Ffmpeg.assumeInstalled();
        // Half the churn is refused, half becomes viewers that vanish at once: both paths run thousands of times.
        ChildServer server = ChildServer.with(TestConfig.loopback()
                        .set("http", "new_connections_per_ip_per_second", 500)
                        .set("http", "new_connections_per_ip_burst", 100))
                .environment(ChildServer.GLIBC_HEAP_CHECKS).start();
        cleanup.add(server);
        int rtmpPort = server.rtmpPort();
        int httpPort = server.httpPort();
        Ffmpeg.FfmpegProcess publisher = Ffmpeg.start(Ffmpeg.publishArgs("rtmp://127.0.0.1:" + rtmpPort
                + "/live/x", "320x240", 25, 120, "500k"), "churn-publisher");
        cleanup.add(publisher);
        awaitStatus(httpPort, "/live/x.flv", 200, server.process());

        ViewerChurn.Result churn = new ViewerChurn("127.0.0.1", httpPort, "/live/x.flv").run(LOOPS, CYCLES);

        String output = server.logText();
        assertTrue(server.isAlive(), "the server survives the churn: " + churn + "\n" + tail(output));
        assertFalse(output.contains("corrupted") || output.contains("free()") || output.contains("fatal error"),
                tail(output));
        assertEquals(LOOPS * CYCLES, churn.cycles());
        assertEquals(0, churn.failures(), "every cycle connected and got its status line: " + churn);
        assertTrue(churn.ok() > 0, "viewers were served: " + churn);
        // Asked from another address: 127.0.0.1 may still be over its rate right after the churn.
        String stats = get("127.0.0.2", httpPort, "/api/server");
        assertTrue(stats.startsWith("HTTP/1.1 200 "), stats);
        Matcher refused = REFUSED.matcher(stats);
        assertTrue(refused.find(), stats);
        long refusals = Long.parseLong(refused.group(1));
        assertTrue(refusals > 0, "refusals happened: " + stats);
        System.out.println("churn " + LOOPS + " x " + CYCLES + ": " + churn + ", refused (server) " + refusals);
    }

    /** Polls a separately started process until the path answers with the status (no condition to wait on). */
    private static void awaitStatus(int port, String path, int status, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (statusOf(port, path) == status) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening, or the stream not live yet
            }
            assertTrue(server.isAlive(), "the server process is running");
            assertTrue(System.nanoTime() < deadline, path + " answers " + status + " within 30 s");
            Thread.sleep(100);
        }
    }

    private static int statusOf(int port, String path) throws IOException {
        try (Socket s = connect("127.0.0.3", port)) {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] line = s.getInputStream().readNBytes(12);
            return Integer.parseInt(new String(line, 9, 3, StandardCharsets.US_ASCII));
        }
    }

    private static String get(String fromAddress, int port, String path) throws IOException {
        try (Socket s = connect(fromAddress, port)) {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Socket connect(String fromAddress, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(fromAddress, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(5_000);
        return s;
    }

    private static String tail(String output) {
        return output.length() <= 4_000 ? output : output.substring(output.length() - 4_000);
    }
}
