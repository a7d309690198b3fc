package io.ringcast.perf.load.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns a side-by-side run's directory ({@code perf/side-by-side}: one
 * {@code <server>-<viewers>-<read mode>[-r<round>]/summary.json} per run, ringcast's {@code heap.txt} next to it;
 * older runs' directories lack the read mode, single-round runs the round) into the Markdown tables of
 * {@code perf/RESULTS.md}: one row per run, ordered by viewer count, server, read mode and round; then ringcast's
 * ratios to nginx-rtmp ({@link SideBySideRatios}), and each server's CPU split into its cost at one viewer and what
 * further viewers add ({@link SideBySideCostSplit}).
 */
public final class SideBySideTable {
    private static final Pattern RUN_DIRECTORY = Pattern.compile("(.+)-(\\d+)(-tags|-bulk)?(?:-r(\\d+))?");
    /** Before the load generator had read modes, every viewer read in bulk. */
    private static final String READ_MODE_BEFORE_MODES = "bulk";
    /** G1's {@code garbage-first heap total 57344K, used 8692K} or ZGC's {@code ZHeap used 54M, capacity ...}. */
    private static final Pattern HEAP_USED =
            Pattern.compile("heap\\s+total \\d+K, used (\\d+)K|ZHeap\\s+used (\\d+)M");
    private static final double MICROS_PER_MILLI = 1_000.0;

    private SideBySideTable() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: SideBySideTable RUN_DIRECTORY");
            System.exit(2);
        }
        List<Row> rows = rows(Path.of(args[0]));
        print(rows, System.out);
        System.out.println();
        SideBySideRatios.print(rows, System.out);
        System.out.println();
        SideBySideCostSplit.print(rows, System.out);
    }

    /** One run: which server, how many viewers, how they read, in which round (from 1), and its summary. */
    record Row(String server, int viewers, String readMode, int round, JsonNode summary, long heapUsedKb) {
    }

    static List<Row> rows(Path directory) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Row> rows = new ArrayList<>();
        try (Stream<Path> runs = Files.list(directory)) {
            for (Path run : runs.sorted().toList()) {
                Matcher name = RUN_DIRECTORY.matcher(run.getFileName().toString());
                Path summary = run.resolve("summary.json");
                if (!name.matches() || !Files.isRegularFile(summary)) {
                    continue;
                }
                JsonNode tree = json.readTree(summary.toFile());
                rows.add(new Row(name.group(1), Integer.parseInt(name.group(2)),
                        tree.path("config").path("read_mode").asText(READ_MODE_BEFORE_MODES),
                        name.group(4) == null ? 1 : Integer.parseInt(name.group(4)), tree,
                        heapUsedKb(run.resolve("heap.txt"))));
            }
        }
        rows.sort(Comparator.comparingInt(Row::viewers).thenComparing(Row::server).thenComparing(Row::readMode)
                .thenComparingInt(Row::round));
        return rows;
    }

    static void print(List<Row> rows, PrintStream out) {
        out.println("| server | viewers | read mode | round | connected | latency p50 / p99 / p99.9 / max (ms) "
                + "| server CPU s/Gbit | server CPU (cores) | missed frames (video + audio) "
                + "| first keyframe p50 / max (ms) | late join p50 (ms) | heap used (MB) | load generator (cores) |");
        out.println("|---|---:|---|---:|---:|---|---:|---:|---:|---|---:|---:|---:|");
        for (Row row : rows) {
            JsonNode healthy = SummaryGroups.byMode(row.summary(), "healthy");
            JsonNode latency = healthy.path("latency");
            JsonNode cpu = row.summary().path("cpu");
            double window = row.summary().path("window_seconds").asDouble();
            JsonNode frames = healthy.path("frames");
            out.printf(Locale.ROOT,
                    "| %s | %d | %s | %d | %d | %s / %s / %s / %s | %s | %s | %d | %s / %s | %s | %s | %s |%n",
                    row.server(), row.viewers(), row.readMode(), row.round(), healthy.path("connected").asInt(),
                    ms(latency.path("p50_us")), ms(latency.path("p99_us")), ms(latency.path("p999_us")),
                    ms(latency.path("max_us")),
                    decimal(cpu.path("server_cpu_seconds_per_gbit"), 2),
                    window > 0 ? decimal(cpu.path("server_cpu_seconds").asDouble() / window, 2) : "-",
                    frames.path("missed_video").asLong() + frames.path("missed_audio").asLong(),
                    decimal(healthy.path("first_keyframe_ms").path("p50"), 0),
                    decimal(healthy.path("first_keyframe_ms").path("max"), 0),
                    lateJoinP50(row.summary()),
                    row.heapUsedKb() < 0 ? "-" : decimal(row.heapUsedKb() / 1024.0, 1),
                    decimal(cpu.path("loadgen_cores"), 2));
        }
    }

    private static String lateJoinP50(JsonNode summary) {
        JsonNode lateJoin = SummaryGroups.byMode(summary, "late_join");
        return lateJoin.isMissingNode() ? "-" : decimal(lateJoin.path("first_keyframe_ms").path("p50"), 1);
    }

    /** Heap in use from a {@code jcmd PID GC.heap_info} output; -1 when absent or unreadable. */
    static long heapUsedKb(Path heapInfo) throws IOException {
        if (!Files.isRegularFile(heapInfo)) {
            return -1;
        }
        Matcher used = HEAP_USED.matcher(Files.readString(heapInfo));
        if (!used.find()) {
            return -1;
        }
        return used.group(1) != null ? Long.parseLong(used.group(1)) : Long.parseLong(used.group(2)) * 1024;
    }

    private static String ms(JsonNode micros) {
        return micros.isNumber() ? decimal(micros.asDouble() / MICROS_PER_MILLI, 2) : "-";
    }

    private static String decimal(JsonNode value, int digits) {
        return value.isNumber() ? decimal(value.asDouble(), digits) : "-";
    }

    private static String decimal(double value, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", value);
    }
}
