package io.ringcast.perf.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.TestConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Streams published one after another, each watched, on a ZGC server (the launcher's collector) with little direct
 * memory. The rings of closed streams used to go to the garbage collector, and ZGC never freed them while one of
 * Undertow's finalizable buffer pools reached any direct buffer: the 10th stream's first frame failed with
 * "Cannot reserve 16777216 bytes of direct buffer memory" and killed its publisher's thread. Now the rings are
 * recycled: every stream publishes and plays, and the rings' memory stays one stream's worth.
 */
@Tag("hostile")
@Timeout(240)
class StreamChurnDirectMemoryTest {
    private static final int STREAMS = 24;
    /** The default video ring's 16 MiB of payload (the synthetic publisher sends no audio). */
    private static final long STREAM_RING_BYTES = 16L << 20;
    /** Media bytes each viewer must receive: the 20 KB keyframe and more, so frames leave through the fan-out. */
    private static final int VIEWER_BYTES = 40_000;
    private static final long VIEWER_WITHIN_MS = 5_000;
    private static final Pattern DIRECT_USED = Pattern.compile("jvm_buffer_pool_used_bytes\\{pool=\"direct\"} (\\S+)");

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void shouldPublishAndPlayTwoDozenStreamsInARowWithinOneRingsMemoryUnderZgc() throws Exception {
        // 160 MiB of direct memory: a budget of 96 MiB, five streams at a time. The heap the launcher gets on these
        // machines: with so much room ZGC runs no cycle of its own, and without recycling stream 10 failed.
        ServerProcess server = cleanup.add(ServerProcess.start(ServerProcess.Options.of(TestConfig.loopback().toml("""
                [Engine]
                PublishTimeout = 1
                AutoCloseDelay = 1

                [hls]
                enable = false
                ll_enable = false
                """)).withJvmFlags("-XX:+UseZGC", "-Xmx6g", "-XX:MaxDirectMemorySize=160m")));
        for (int i = 0; i < STREAMS; i++) {
            String name = "churn" + i;
            try (SyntheticPublisher publisher = SyntheticPublisher.small(server.rtmpPort(), name)) {
                assertFlvMediaServed(server, "/live/" + name + ".flv");
            } catch (IOException | AssertionError e) {
                throw new AssertionError("stream " + (i + 1) + " of " + STREAMS + ": " + e.getMessage() + "\n"
                        + server.describe(), e);
            }
            int stream = i + 1;
            Health.awaitUntil("stream " + stream + " closed", Duration.ofSeconds(10),
                    () -> serverStats(server).get("streams").asInt() == 0);
        }

        JsonNode directMemory = serverStats(server).get("directMemory");
        long jvmDirectBytes = jvmDirectMemoryUsedBytes(server);
        System.out.printf("[hostile] %d streams in a row under ZGC: rings allocated %d bytes (%d idle), JVM direct "
                        + "memory %d bytes%n", STREAMS, directMemory.get("ringsAllocatedBytes").asLong(),
                directMemory.get("ringsIdleBytes").asLong(), jvmDirectBytes);
        assertEquals(STREAM_RING_BYTES, directMemory.get("ringsAllocatedBytes").asLong(), directMemory.toString());
        assertEquals(STREAM_RING_BYTES, directMemory.get("ringsIdleBytes").asLong(), directMemory.toString());
        assertTrue(jvmDirectBytes < 2 * STREAM_RING_BYTES, "the JVM's direct memory: " + jvmDirectBytes + " bytes");
        assertFalse(server.logText().contains("OutOfMemoryError"), server.logTail());
        Health.assertResponsive(server, "after the streams");
    }

    /** A new HTTP-FLV viewer of {@code path} gets 200 and at least {@link #VIEWER_BYTES} of the body in time. */
    private static void assertFlvMediaServed(ServerProcess server, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), (int) VIEWER_WITHIN_MS);
            s.setSoTimeout((int) VIEWER_WITHIN_MS);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            assertTrue(new String(head, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"),
                    path + " answered " + new String(head, StandardCharsets.ISO_8859_1));
            int received = in.readNBytes(VIEWER_BYTES).length;
            assertEquals(VIEWER_BYTES, received, "bytes of " + path + " before its end");
        }
    }

    private JsonNode serverStats(ServerProcess server) {
        try {
            return json.readTree(RawHttp.get(server.httpPort(), "/api/server", 5_000).body());
        } catch (IOException e) {
            throw new AssertionError("GET /api/server: " + e.getMessage(), e);
        }
    }

    private static long jvmDirectMemoryUsedBytes(ServerProcess server) {
        Matcher m = DIRECT_USED.matcher(RawHttp.get(server.httpPort(), "/metrics", 5_000).text());
        assertTrue(m.find(), "/metrics shows the JVM's direct buffer pool");
        return (long) Double.parseDouble(m.group(1));
    }
}
