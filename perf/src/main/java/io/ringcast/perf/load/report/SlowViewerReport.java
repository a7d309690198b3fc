package io.ringcast.perf.load.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The report of {@code perf/slow-viewers}: healthy viewers' latency and missed frames without and with slow
 * viewers beside them, what happened to the slow ones, the stream's skip and lag-disconnect counters, and the
 * server's heap after each GC.
 */
public final class SlowViewerReport {
    private static final List<String> HEALTHY = List.of("httpflv", "rtmp");
    private static final List<String> SLOW = List.of("httpflv-stalled", "rtmp-stalled", "httpflv-trickle",
            "rtmp-trickle");
    private static final double MICROS_PER_MILLI = 1_000.0;

    private SlowViewerReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: SlowViewerReport HEALTHY_ONLY_DIR WITH_SLOW_DIR GC_LOG [HEAP_INFO...]");
            System.exit(2);
        }
        ObjectMapper json = new ObjectMapper();
        Path alone = Path.of(args[0]);
        Path withSlow = Path.of(args[1]);
        print(json.readTree(alone.resolve("summary.json").toFile()),
                json.readTree(withSlow.resolve("summary.json").toFile()), readOrMissing(json,
                        withSlow.resolve("stream.json")), GcLog.parse(Files.readAllLines(Path.of(args[2]))),
                System.out);
        for (int i = 3; i < args.length; i++) {
            Path heapInfo = Path.of(args[i]);
            long usedKb = SideBySideTable.heapUsedKb(heapInfo);
            System.out.printf(Locale.ROOT, "Live heap (after a full GC), %s: %s%n", heapInfo.getFileName(),
                    usedKb < 0 ? "-" : String.format(Locale.ROOT, "%.1f MB", usedKb / 1024.0));
        }
    }

    static void print(JsonNode alone, JsonNode withSlow, JsonNode stream, GcLog gc, PrintStream out) {
        out.println("Healthy viewers, alone and with 20 stalled + 20 trickle viewers beside them:");
        out.println();
        out.println("| group | run | viewers | missed frames | latency p50 / p99 / p99.9 / max (ms) | p99 change |");
        out.println("|---|---|---:|---:|---|---:|");
        for (String name : HEALTHY) {
            JsonNode before = SummaryGroups.byName(alone, name);
            JsonNode after = SummaryGroups.byName(withSlow, name);
            healthyRow(out, name, "alone", before, "");
            double p99Before = before.path("latency").path("p99_us").asDouble();
            double p99After = after.path("latency").path("p99_us").asDouble();
            String change = p99Before > 0
                    ? String.format(Locale.ROOT, "%+.1f %%", 100 * (p99After - p99Before) / p99Before) : "-";
            healthyRow(out, name, "with slow", after, change);
        }
        out.println();
        out.println("Slow viewers:");
        out.println();
        out.println("| group | connected | closed by server | closed after p50 / max (ms) | frames read "
                + "| keyframe jumps |");
        out.println("|---|---:|---:|---|---:|---:|");
        for (String name : SLOW) {
            JsonNode g = SummaryGroups.byName(withSlow, name);
            out.printf(Locale.ROOT, "| %s | %d | %d | %.0f / %.0f | %d | %d |%n", name, g.path("connected").asInt(),
                    g.path("closed_by_server").asInt(), g.path("closed_after_ms").path("p50").asDouble(),
                    g.path("closed_after_ms").path("max").asDouble(),
                    g.path("frames").path("video").asLong() + g.path("frames").path("audio").asLong(),
                    g.path("frames").path("keyframe_jumps").asLong());
        }
        out.println();
        out.printf(Locale.ROOT, "Stream counters before the end of the run with slow viewers: framesSkipped %s, "
                + "lagDisconnects %s.%n", stream.path("framesSkipped").asText("-"),
                stream.path("lagDisconnects").asText("-"));
        out.println();
        out.printf(Locale.ROOT, "Server heap after GC over both runs (%d GCs): first %d MB, min %d MB, max %d MB, "
                + "last %d MB; longest pause %.2f ms.%n", gc.count(), gc.firstAfterMb(), gc.minAfterMb(),
                gc.maxAfterMb(), gc.lastAfterMb(), gc.maxPauseMs());
    }

    private static void healthyRow(PrintStream out, String name, String run, JsonNode g, String change) {
        JsonNode latency = g.path("latency");
        JsonNode frames = g.path("frames");
        out.printf(Locale.ROOT, "| %s | %s | %d | %d | %.2f / %.2f / %.2f / %.2f | %s |%n", name, run,
                g.path("connected").asInt(), frames.path("missed_video").asLong() + frames.path("missed_audio")
                        .asLong(), ms(latency, "p50_us"), ms(latency, "p99_us"), ms(latency, "p999_us"),
                ms(latency, "max_us"), change);
    }

    private static double ms(JsonNode latency, String field) {
        return latency.path(field).asDouble() / MICROS_PER_MILLI;
    }

    private static JsonNode readOrMissing(ObjectMapper json, Path file) throws IOException {
        return Files.isRegularFile(file) && Files.size(file) > 0 ? json.readTree(file.toFile())
                : MissingNode.getInstance();
    }
}
