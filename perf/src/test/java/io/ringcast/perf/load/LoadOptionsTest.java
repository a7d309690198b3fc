package io.ringcast.perf.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.perf.load.viewer.Protocol;
import io.ringcast.perf.load.viewer.ReadMode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LoadOptionsTest {
    private static final String FLV_URL = "http://127.0.0.1:8080/live/bench.flv";
    private static final String RTMP_URL = "rtmp://127.0.0.1:1935/live/bench";

    @Test
    void shouldParseAFullCommandLine() throws Exception {
        LoadOptions o = LoadOptions.parse("--flv", "bench.flv", "--publish", RTMP_URL, "--flv-url", FLV_URL,
                "--rtmp-url", RTMP_URL, "--flv-viewers", "500", "--rtmp-viewers", "20", "--stalled", "3",
                "--stalled-protocol", "both", "--trickle", "1", "--trickle-bytes-per-s", "10000", "--threads", "3",
                "--ramp-per-s", "100", "--warmup-s", "0", "--duration-s", "60", "--late-joins", "10",
                "--late-join-protocol", "rtmp", "--server-pid", "1234", "--out", "runs/a", "--label", "ringcast-500",
                "--read-mode", "tags");

        assertEquals(Path.of("bench.flv"), o.flv());
        assertEquals("bench", o.publish().streamName());
        assertEquals("/live/bench.flv", o.flvUrl().pathAndQuery());
        assertEquals(500, o.flvViewers());
        assertEquals(2, LoadOptions.share(o.stalled(), o.stalledProtocol(), Protocol.HTTP_FLV));
        assertEquals(1, LoadOptions.share(o.stalled(), o.stalledProtocol(), Protocol.RTMP));
        assertEquals(10_000, o.trickleBytesPerSecond());
        assertEquals(0, o.warmupSeconds());
        assertEquals(10, LoadOptions.share(o.lateJoins(), o.lateJoinProtocol(), Protocol.RTMP));
        assertEquals(0, LoadOptions.share(o.lateJoins(), o.lateJoinProtocol(), Protocol.HTTP_FLV));
        assertEquals(1234, o.serverPid());
        assertEquals(Path.of("runs/a"), o.out());
        assertEquals("ringcast-500", o.asMap().get("label"));
        assertEquals(ReadMode.TAGS, o.readMode());
        assertEquals("tags", o.asMap().get("read_mode"), "summary.json records the read mode");
    }

    @Test
    void shouldDefaultWhatIsNotGiven() throws Exception {
        LoadOptions o = LoadOptions.parse("--flv-url", FLV_URL, "--flv-viewers", "1");
        assertNull(o.publish());
        assertEquals(200, o.rampPerSecond());
        assertEquals(5, o.warmupSeconds());
        assertEquals(30, o.durationSeconds());
        assertEquals(20_000, o.trickleBytesPerSecond());
        assertEquals(4096, o.slowReceiveBufferBytes());
        assertEquals(ReadMode.BULK, o.readMode());
        assertEquals("bulk", o.asMap().get("read_mode"));
        assertEquals(Runtime.getRuntime().availableProcessors(), o.threads());
        assertTrue(o.out().startsWith("loadgen-results"), o.out().toString());
    }

    @Test
    void shouldNameWhatIsWrongWithABadCommandLine() {
        assertUsage("unknown option --viewers", "--viewers", "3");
        assertUsage("--flv-viewers needs a value", "--flv-url", FLV_URL, "--flv-viewers");
        assertUsage("--flv-viewers many: not a whole number", "--flv-url", FLV_URL, "--flv-viewers", "many");
        assertUsage("--rtmp-viewers -1: must be 0 or more", "--rtmp-viewers", "-1");
        assertUsage("--duration-s 0: must be a positive number", "--duration-s", "0");
        assertUsage("--stalled-protocol hls: must be flv, rtmp or both", "--stalled-protocol", "hls");
        assertUsage("--read-mode frames: must be tags or bulk", "--read-mode", "frames");
        assertUsage("--publish needs --flv FILE", "--publish", RTMP_URL, "--rtmp-url", RTMP_URL, "--rtmp-viewers",
                "1");
        assertUsage("--flv needs --publish URL", "--flv", "x.flv", "--rtmp-url", RTMP_URL, "--rtmp-viewers", "1");
        assertUsage("3 rtmp viewers need --rtmp-url", "--flv-url", FLV_URL, "--stalled", "6", "--stalled-protocol",
                "both");
        assertUsage("no viewers: give --flv-viewers, --rtmp-viewers, --stalled, --trickle or --late-joins",
                "--flv-url", FLV_URL);
        assertUsage("--rtmp-url http://x/live/a: not an rtmp://host[:port]/app/name URL: http://x/live/a", "--rtmp-url",
                "http://x/live/a");
        assertUsage("--label a/b: must be 1 to 64 characters from A-Z a-z 0-9 . _ -", "--label", "a/b");
    }

    @Test
    void shouldRefuseRemoteHostsUnlessAllowed() throws Exception {
        String remote = "http://192.0.2.1:8080/live/x.flv";
        assertUsage("192.0.2.1 is not a loopback address; benchmarks run on loopback (--allow-remote to override)",
                "--flv-url", remote, "--flv-viewers", "1");
        assertEquals("192.0.2.1", LoadOptions.parse("--flv-url", remote, "--flv-viewers", "1", "--allow-remote")
                .flvUrl().host());
    }

    @Test
    void shouldDocumentTheReadModesInTheHelp() {
        assertTrue(LoadOptions.USAGE.contains("--read-mode M"), LoadOptions.USAGE);
        assertTrue(LoadOptions.USAGE.contains("tags: like a simple player"), LoadOptions.USAGE);
    }

    private static void assertUsage(String message, String... args) {
        LoadOptions.UsageException e = assertThrows(LoadOptions.UsageException.class, () -> LoadOptions.parse(args));
        assertEquals(message, e.getMessage());
    }
}
