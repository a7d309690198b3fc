package io.ringcast.perf.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load generator against the embedded ringcast server on loopback: it publishes a file ffmpeg made, 20 HTTP-FLV
 * and 20 RTMP viewers play it whole, stalled viewers get dropped by the server's lag policy, trickle viewers read
 * slowly, late joiners time their first keyframe, and ffmpeg decodes the tagged stream without a complaint.
 */
@Timeout(120)
class LoadGeneratorEndToEndTest {
    private static final Path WORK = Path.of("target", "loadgen-e2e");
    private static final Path FLV = WORK.resolve("cbr-3mbps.flv");
    private static final Path OUT = WORK.resolve("run");
    private static final int HEALTHY = 20;
    /**
     * The server's kernel send buffer holds some MB for a viewer that does not read before the server can see it
     * lag; a 3 Mbit/s stream (CBR with filler) fills that within seconds, so the stalled viewers are dropped within
     * the run.
     */
    private static final String CONFIG = """
            [http]
            idle_timeout_ms = 1000
            [ring]
            skip_lag_ms = 500
            disconnect_lag_ms = 1000
            """;

    private RingcastServer server;

    @BeforeEach
    void start() throws Exception {
        Ffmpeg.assumeInstalled();
        Files.createDirectories(WORK);
        if (!Files.exists(FLV)) {
            makeFlv();
        }
        server = RingcastServer.start(TestConfig.loopback().toml(CONFIG).configFile(), OptionalInt.empty());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldMeasureEveryFrameOfHealthyViewersAndSeeTheServerDropStalledOnes() throws Exception {
        String rtmp = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/e2e";
        String flv = "http://127.0.0.1:" + server.httpPort() + "/live/e2e.flv";
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        String[] args = {"--flv", FLV.toString(), "--publish", rtmp, "--flv-url", flv, "--rtmp-url", rtmp,
            "--flv-viewers", String.valueOf(HEALTHY), "--rtmp-viewers", String.valueOf(HEALTHY),
            "--stalled", "2", "--stalled-protocol", "both", "--trickle", "2", "--trickle-protocol", "both",
            "--late-joins", "2", "--late-join-protocol", "both", "--late-join-interval-ms", "200",
            "--warmup-s", "2", "--duration-s", "12", "--server-pid", String.valueOf(ProcessHandle.current().pid()),
            "--out", OUT.toString(), "--label", "e2e"};
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> {
            try {
                return LoadGenerator.run(args, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                        new PrintStream(stderr, true, StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // Held from here on, not looked up at the end: once the publisher and then the last viewer have left, the
        // stream closes (WAITING_PUBLISHER -> CLOSED) and leaves the registry, whenever the server sees them go.
        Stream live = awaitStream();
        String decodeErrors = decodeWithFfmpeg(flv);

        assertEquals(0, run.get(90, TimeUnit.SECONDS), "exit status; stderr: " + stderr);
        assertEquals("", decodeErrors, "ffmpeg decodes the tagged frames without a word");
        JsonNode summary = new ObjectMapper().readTree(OUT.resolve("summary.json").toFile());
        Map<String, JsonNode> groups = new HashMap<>();
        summary.get("groups").forEach(g -> groups.put(g.get("name").asText(), g));
        assertEquals(List.of("httpflv", "httpflv-late", "httpflv-stalled", "httpflv-trickle", "rtmp", "rtmp-late",
                "rtmp-stalled", "rtmp-trickle"), groups.keySet().stream().sorted().toList(),
                stdout.toString(StandardCharsets.UTF_8));

        JsonNode publisher = summary.get("publisher");
        assertEquals("stopped", publisher.get("state").asText());
        assertTrue(publisher.get("loops").asInt() >= 1, "the 10 s file looped");
        long latencyCount = 0;
        for (String name : List.of("httpflv", "rtmp")) {
            JsonNode g = groups.get(name);
            JsonNode frames = g.get("frames");
            assertEquals(HEALTHY, g.get("connected").asInt(), name);
            assertEquals(HEALTHY, g.get("first_keyframe_ms").get("count").asInt(), name + " all saw a keyframe");
            assertTrue(frames.get("video_in_window").asLong() > HEALTHY * 100, name + ": " + frames);
            assertEquals(0, frames.get("missed_video").asLong(), name + ": " + frames);
            assertEquals(0, frames.get("missed_audio").asLong(), name + ": " + frames);
            assertEquals(0, frames.get("untagged_video").asLong(), name + ": " + frames);
            assertEquals(0, frames.get("unmatched_audio").asLong(), name + ": " + frames);
            assertEquals(frames.get("video_in_window").asLong() + frames.get("audio_in_window").asLong(),
                    g.get("latency").get("count").asLong(), name + ": one latency per frame in the window");
            assertEquals(0, g.get("closed_by_server").asInt(), name);
            latencyCount += g.get("latency").get("count").asLong();
        }
        assertEquals(1, groups.get("rtmp-stalled").get("closed_by_server").asInt(), "rtmp-stalled dropped");
        assertEquals(1, groups.get("rtmp-stalled").get("connected").asInt());
        assertEquals(1, groups.get("httpflv-stalled").get("connected").asInt());
        assertEquals(1, groups.get("httpflv-stalled").get("closed_by_server").asInt(),
                "httpflv-stalled dropped: its connection cut, not left open behind the unsent bytes");
        assertTrue(live.subscribersDisconnectedForLag() >= 2, "both stalled viewers dropped for lag: "
                + live.subscribersDisconnectedForLag());
        for (String name : List.of("httpflv-trickle", "rtmp-trickle")) {
            assertTrue(groups.get(name).get("frames").get("video").asLong() > 0, name + " read some frames");
        }
        for (String name : List.of("httpflv-late", "rtmp-late")) {
            assertEquals(1, groups.get(name).get("first_keyframe_ms").get("count").asInt(), name);
            assertEquals(0, groups.get(name).get("latency").get("count").asInt(), name + " records no latency");
        }
        JsonNode cpu = summary.get("cpu");
        assertTrue(cpu.get("server_cpu_seconds").asDouble() > 0, cpu.toString());
        assertTrue(cpu.get("delivered_bytes").asLong() > 0, cpu.toString());
        assertNotNull(cpu.get("server_cpu_seconds_per_gbit").numberValue(), cpu.toString());

        assertEquals(latencyCount, countInLog(List.of("httpflv", "rtmp")), "the interval log holds every latency");
    }

    @Test
    void shouldExitWithSetupFailureWhenNoViewerIsAcceptedOrThePublisherCannotConnect() throws Exception {
        String unknown = "http://127.0.0.1:" + server.httpPort() + "/live/nobody.flv";
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertEquals(LoadGenerator.EXIT_SETUP_FAILED, LoadGenerator.run(new String[] {"--flv-url", unknown,
            "--flv-viewers", "2", "--warmup-s", "0", "--duration-s", "1", "--out", WORK.resolve("refused").toString()},
                quiet, errors), err.toString(StandardCharsets.UTF_8));
        String refusedErr = err.toString(StandardCharsets.UTF_8);
        assertTrue(refusedErr.contains("the server accepted no viewer"), refusedErr);
        JsonNode group = new ObjectMapper().readTree(WORK.resolve("refused/summary.json").toFile()).get("groups")
                .get(0);
        assertEquals(2, group.get("ends").get("refused").asInt(), group.toString());

        int closedPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort();
        }
        assertEquals(LoadGenerator.EXIT_SETUP_FAILED, LoadGenerator.run(new String[] {"--flv", FLV.toString(),
            "--publish", "rtmp://127.0.0.1:" + closedPort + "/live/x", "--flv-url", unknown, "--flv-viewers", "1",
            "--out", WORK.resolve("no-publisher").toString()}, quiet, errors));
        String failedErr = err.toString(StandardCharsets.UTF_8);
        assertTrue(failedErr.contains("publisher failed"), failedErr);
    }

    private static long countInLog(List<String> tags) throws Exception {
        long count = 0;
        List<String> seen = new ArrayList<>();
        HistogramLogReader reader = new HistogramLogReader(OUT.resolve("latency.hlog").toFile());
        EncodableHistogram h;
        while ((h = reader.nextIntervalHistogram()) != null) {
            seen.add(h.getTag());
            if (tags.contains(h.getTag())) {
                count += ((org.HdrHistogram.Histogram) h).getTotalCount();
            }
        }
        assertTrue(seen.containsAll(tags), "tags " + seen);
        return count;
    }

    /** The stream live/e2e once the load generator's publisher has created it. */
    private Stream awaitStream() {
        StreamPath path = StreamPath.parse("live/e2e");
        Await.until("the publisher to create live/e2e", Duration.ofSeconds(30),
                () -> server.engine().streams().find(path) != null);
        return server.engine().streams().find(path);
    }

    /** Decodes 3 s of the live HTTP-FLV stream; returns what ffmpeg printed. */
    private String decodeWithFfmpeg(String url) throws Exception {
        try (Ffmpeg.FfmpegProcess decode = Ffmpeg.start(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v",
                "error", "-i", url, "-t", "3", "-f", "null", "-"), "decode")) {
            assertEquals(0, decode.await(30), decode.output());
            return decode.output();
        }
    }

    private static void makeFlv() throws Exception {
        Path partial = WORK.resolve("partial.flv");
        try (Ffmpeg.FfmpegProcess make = Ffmpeg.start(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v",
                "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=44100", "-t", "10", "-c:v", "libx264", "-preset", "ultrafast",
                "-pix_fmt", "yuv420p", "-b:v", "3000k", "-maxrate", "3000k", "-bufsize", "1000k", "-x264-params",
                "nal-hrd=cbr", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-bf", "0", "-c:a", "aac",
                "-b:a", "128k", "-ar", "44100", "-ac", "2", "-f", "flv", partial.toString()), "make-flv")) {
            assertEquals(0, make.await(60), make.output());
        }
        Files.move(partial, FLV);
        assertTrue(Files.size(FLV) > 1_000_000);
    }
}
