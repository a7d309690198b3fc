package io.ringcast.ops;

import io.ringcast.ops.report.CsvReport;
import io.ringcast.ops.report.HtmlReport;
import io.ringcast.ops.report.LatencyLogs;
import io.ringcast.ops.report.LatencyReportData;
import io.ringcast.ops.report.ReportTime;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code latency-report} command: turns latency interval logs into an HTML report and a CSV table.
 * <pre>
 * latency-report [--from TIME] [--to TIME] [--out report.html] [--csv report.csv] [--worst N] [--threads N] LOG...
 * </pre>
 * LOG is a {@code .hlog} file or a directory (its {@code *.hlog} files). TIME is as {@link ReportTime} reads it:
 * ISO-8601 (UTC unless an offset is given), {@code now} or a time before now ({@code -1h}). Intervals count when
 * they start in {@code [from, to)}. Exit status 0 when written, 1 for unreadable logs, 2 for bad usage.
 */
public final class LatencyReport {
    static final String USAGE = "usage: latency-report [--from TIME] [--to TIME] [--out report.html] [--csv report.csv]"
            + " [--worst N] [--threads N] LOG...\n  LOG: .hlog file or directory of them; TIME: ISO-8601, UTC unless"
            + " an offset is given (2024-03-01, 2024-03-01T12:00, 2024-03-01T12:00:00Z), now, or -90s/-30m/-1h/-2d";

    /** Parsed command line. */
    public record Options(long fromMs, long toMs, String requested, Path out, Path csv, int worst, int threads,
                   List<Path> logs) {
    }

    private LatencyReport() {
    }

    public static void main(String[] args) {
        int status;
        try {
            Options options = parse(args);
            long t0 = System.nanoTime();
            LatencyReportData data = run(options);
            System.out.printf("latency-report: %d intervals, %d streams x protocols -> %s, %s (%.2f s)%n",
                    data.intervals(), data.tags().size(), options.out(), options.csv(),
                    (System.nanoTime() - t0) / 1e9);
            status = 0;
        } catch (IllegalArgumentException e) {
            System.err.println("latency-report: " + e.getMessage());
            System.err.println(USAGE);
            status = 2;
        } catch (IOException e) {
            System.err.println("latency-report: " + e.getMessage());
            status = 1;
        }
        System.exit(status);
    }

    /** Reads the logs, writes both files, returns the numbers. */
    public static LatencyReportData run(Options o) throws IOException {
        List<Path> files = expand(o.logs());
        LatencyReportData data = LatencyLogs.report(files, o.fromMs(), o.toMs(), o.worst(), o.threads());
        List<String> sources = files.stream().map(Path::toString).toList();
        String html = HtmlReport.render(data,
                new HtmlReport.Context(sources, o.requested(), System.currentTimeMillis()));
        Files.writeString(o.out(), html, StandardCharsets.UTF_8);
        try (Writer w = Files.newBufferedWriter(o.csv(), StandardCharsets.UTF_8)) {
            CsvReport.write(data, w);
        }
        return data;
    }

    public static Options parse(String[] args) {
        return parse(args, System.currentTimeMillis());
    }

    /** Parses the command line; relative times count back from {@code nowMs}. */
    public static Options parse(String[] args, long nowMs) {
        long from = Long.MIN_VALUE;
        long to = Long.MAX_VALUE;
        List<String> requested = new ArrayList<>();
        Path out = Path.of("latency-report.html");
        Path csv = null;
        int worst = 20;
        int threads = Math.min(8, Runtime.getRuntime().availableProcessors());
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                logs.add(Path.of(a));
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--from" -> {
                    from = time(v, nowMs);
                    requested.add("from " + v);
                }
                case "--to" -> {
                    to = time(v, nowMs);
                    requested.add("to " + v);
                }
                case "--out" -> out = Path.of(v);
                case "--csv" -> csv = Path.of(v);
                case "--worst" -> worst = number(a, v, 0, 1_000);
                case "--threads" -> threads = number(a, v, 1, 64);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (logs.isEmpty()) {
            throw new IllegalArgumentException("no LOG given");
        }
        if (from >= to) {
            throw new IllegalArgumentException("--from must be before --to");
        }
        if (csv == null) {
            String name = out.getFileName().toString();
            csv = out.resolveSibling((name.endsWith(".html") ? name.substring(0, name.length() - 5) : name) + ".csv");
        }
        return new Options(from, to, String.join(" ", requested), out, csv, worst, threads, logs);
    }

    /** Files as given, directories as their {@code *.hlog} files in name order (daily files: time order). */
    public static List<Path> expand(List<Path> logs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : logs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> list = Files.list(p)) {
                    list.filter(f -> f.getFileName().toString().endsWith(".hlog") && Files.isRegularFile(f))
                            .sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new IOException(p + ": no such file or directory");
            }
        }
        return files;
    }

    private static long time(String v, long nowMs) {
        return ReportTime.parse(v, nowMs);
    }

    private static int number(String option, String v, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            n = min - 1;
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(option + " must be " + min + ".." + max + ": " + v);
        }
        return n;
    }
}
