package io.ringcast.perf.load.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns a paired comparison's directory ({@code perf/paired-builds}: {@code pair-<i>-before} and
 * {@code pair-<i>-after}, each with the load generator's {@code summary.json} and {@code proc-stat.txt}, the server's
 * {@code /proc/PID/stat} line before and after the run; {@code pair-<i>-first.txt} says which side ran first) into
 * Markdown: per figure each side's median and range and in how many pairs the "after" side's was lower, then one
 * row per pair. A pair's two runs follow each other within a minute, so comparing within pairs takes out most of
 * the machine's drift. Stateless.
 */
public final class PairedRunsTable {
    static final String BEFORE = "before";
    static final String AFTER = "after";

    private PairedRunsTable() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: PairedRunsTable PAIRED_RUN_DIRECTORY");
            System.exit(2);
        }
        print(pairs(Path.of(args[0]), ProcCpu.clockTicksPerSecond()), System.out);
    }

    /** One run: its summary and the server's user and system CPU seconds over the whole run (connects included). */
    record Run(JsonNode summary, double userSeconds, double systemSeconds) {
        long missedFrames() {
            long missed = 0;
            for (JsonNode group : summary.path("groups")) {
                missed += group.path("frames").path("missed_video").asLong()
                        + group.path("frames").path("missed_audio").asLong();
            }
            return missed;
        }
    }

    /** A pair: its number (from 1), which build ran first, and the two runs. */
    record Pair(int number, String first, Run before, Run after) {
    }

    /** The complete pairs of a directory, by number; a pair missing a run or a file is left out. */
    static List<Pair> pairs(Path directory, long clockTicksPerSecond) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Pair> pairs = new ArrayList<>();
        for (int number = 1; ; number++) {
            Path before = directory.resolve("pair-" + number + "-" + BEFORE);
            Path after = directory.resolve("pair-" + number + "-" + AFTER);
            if (!Files.isDirectory(before) && !Files.isDirectory(after)) {
                break;
            }
            Optional<Run> b = run(before, json, clockTicksPerSecond);
            Optional<Run> a = run(after, json, clockTicksPerSecond);
            if (a.isPresent() && b.isPresent()) {
                pairs.add(new Pair(number, firstOf(directory, number), b.get(), a.get()));
            }
        }
        return pairs;
    }

    private static Optional<Run> run(Path run, ObjectMapper json, long clockTicksPerSecond) throws IOException {
        Path summary = run.resolve("summary.json");
        Path stat = run.resolve("proc-stat.txt");
        if (!Files.isRegularFile(summary) || !Files.isRegularFile(stat)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(stat, StandardCharsets.US_ASCII);
        if (lines.size() < 2) {
            return Optional.empty();
        }
        double user = (double) (ProcCpu.userTicks(lines.get(1)) - ProcCpu.userTicks(lines.get(0)))
                / clockTicksPerSecond;
        double system = (double) (ProcCpu.systemTicks(lines.get(1)) - ProcCpu.systemTicks(lines.get(0)))
                / clockTicksPerSecond;
        return Optional.of(new Run(json.readTree(summary.toFile()), user, system));
    }

    /** The build that ran first in a pair: {@code pair-<i>-first.txt} names it (the script alternates). */
    private static String firstOf(Path directory, int number) throws IOException {
        Path first = directory.resolve("pair-" + number + "-first.txt");
        boolean after = Files.isRegularFile(first)
                && Files.readString(first, StandardCharsets.US_ASCII).trim().equals(AFTER);
        return after ? AFTER : BEFORE;
    }

    static void print(List<Pair> pairs, PrintStream out) {
        out.println("| figure | before: median (range) | after: median (range) | after lower in |");
        out.println("|---|---|---|---:|");
        figure(out, pairs, "server CPU s/Gbit (load generator's window)",
                r -> SideBySideRatios.cpuPerGbit(r.summary()), 3);
        figure(out, pairs, "server user CPU s (whole run)", r -> Optional.of(r.userSeconds()), 2);
        figure(out, pairs, "server system CPU s (whole run)", r -> Optional.of(r.systemSeconds()), 2);
        figure(out, pairs, "latency p50 ms", r -> SideBySideRatios.p50Ms(r.summary()), 2);
        figure(out, pairs, "latency p99 ms", r -> SideBySideRatios.p99Ms(r.summary()), 2);
        out.println(String.format(Locale.ROOT, "| missed frames (video + audio), all runs | %d | %d | - |",
                pairs.stream().mapToLong(p -> p.before().missedFrames()).sum(),
                pairs.stream().mapToLong(p -> p.after().missedFrames()).sum()));
        out.println();
        out.println("| pair | first | CPU s/Gbit before, after | user CPU s before, after | system CPU s before, after "
                + "| p50 / p99 ms before | p50 / p99 ms after |");
        out.println("|---:|---|---|---|---|---|---|");
        for (Pair pair : pairs) {
            JsonNode before = pair.before().summary();
            JsonNode after = pair.after().summary();
            out.println(String.format(Locale.ROOT, "| %d | %s | %s, %s | %.2f, %.2f | %.2f, %.2f | %s / %s | %s / %s |",
                    pair.number(), pair.first(), text(SideBySideRatios.cpuPerGbit(before), 3),
                    text(SideBySideRatios.cpuPerGbit(after), 3), pair.before().userSeconds(),
                    pair.after().userSeconds(), pair.before().systemSeconds(), pair.after().systemSeconds(),
                    text(SideBySideRatios.p50Ms(before), 2), text(SideBySideRatios.p99Ms(before), 2),
                    text(SideBySideRatios.p50Ms(after), 2), text(SideBySideRatios.p99Ms(after), 2)));
        }
    }

    private static void figure(PrintStream out, List<Pair> pairs, String name, Function<Run, Optional<Double>> figure,
                               int digits) {
        List<Double> before = new ArrayList<>();
        List<Double> after = new ArrayList<>();
        int lower = 0;
        int compared = 0;
        for (Pair pair : pairs) {
            Optional<Double> b = figure.apply(pair.before());
            Optional<Double> a = figure.apply(pair.after());
            b.ifPresent(before::add);
            a.ifPresent(after::add);
            if (a.isPresent() && b.isPresent()) {
                compared++;
                lower += a.get() < b.get() ? 1 : 0;
            }
        }
        out.println(String.format(Locale.ROOT, "| %s | %s | %s | %d of %d |", name,
                SideBySideRatios.spread(toArray(before), digits), SideBySideRatios.spread(toArray(after), digits),
                lower, compared));
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String text(Optional<Double> value, int digits) {
        return value.map(v -> String.format(Locale.ROOT, "%." + digits + "f", v)).orElse("-");
    }
}
