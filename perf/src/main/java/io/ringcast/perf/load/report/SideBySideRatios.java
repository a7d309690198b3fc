package io.ringcast.perf.load.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * ringcast ÷ nginx-rtmp for each viewer count and read mode of a side-by-side run: server CPU per delivered Gbit,
 * latency p50 and p99. Each ratio pairs runs of the same round (the machine drifts between rounds, and a round's
 * runs follow each other within minutes); with several rounds a cell gives the median ratio and the range. Stateless.
 */
final class SideBySideRatios {
    static final String NGINX = "nginx-rtmp";
    private static final String[] RINGCAST = {"ringcast-flv", "ringcast-rtmp"};

    private SideBySideRatios() {
    }

    /** One table row's key: viewers, then read mode. */
    private record Cell(int viewers, String readMode) implements Comparable<Cell> {
        @Override
        public int compareTo(Cell other) {
            int byViewers = Integer.compare(viewers, other.viewers);
            return byViewers != 0 ? byViewers : readMode.compareTo(other.readMode);
        }
    }

    static void print(List<SideBySideTable.Row> rows, PrintStream out) {
        Map<Cell, List<SideBySideTable.Row>> cells = new TreeMap<>();
        for (SideBySideTable.Row row : rows) {
            cells.computeIfAbsent(new Cell(row.viewers(), row.readMode()), c -> new ArrayList<>()).add(row);
        }
        out.println("| viewers | read mode | rounds | nginx-rtmp CPU s/Gbit | HTTP-FLV CPU ratio | RTMP CPU ratio "
                + "| nginx-rtmp p50 / p99 ms | HTTP-FLV p50 / p99 ratios | RTMP p50 / p99 ratios |");
        out.println("|---:|---|---:|---:|---:|---:|---|---|---|");
        for (Map.Entry<Cell, List<SideBySideTable.Row>> cell : cells.entrySet()) {
            List<SideBySideTable.Row> runs = cell.getValue();
            List<SideBySideTable.Row> nginx = runs.stream().filter(r -> r.server().equals(NGINX)).toList();
            if (nginx.isEmpty()) {
                continue;
            }
            StringBuilder line = new StringBuilder();
            line.append(String.format(Locale.ROOT, "| %d | %s | %d | %s", cell.getKey().viewers(),
                    cell.getKey().readMode(), nginx.size(), spread(values(nginx, SideBySideRatios::cpuPerGbit), 3)));
            for (String server : RINGCAST) {
                line.append(" | ").append(spread(ratios(runs, server, SideBySideRatios::cpuPerGbit), 2));
            }
            line.append(" | ").append(spread(values(nginx, SideBySideRatios::p50Ms), 2)).append(" / ")
                    .append(spread(values(nginx, SideBySideRatios::p99Ms), 2));
            for (String server : RINGCAST) {
                line.append(" | ").append(spread(ratios(runs, server, SideBySideRatios::p50Ms), 2)).append(" / ")
                        .append(spread(ratios(runs, server, SideBySideRatios::p99Ms), 2));
            }
            out.println(line.append(" |"));
        }
    }

    /** A figure of one run, empty when the run did not report it. */
    private interface Figure {
        Optional<Double> of(JsonNode summary);
    }

    static Optional<Double> cpuPerGbit(JsonNode summary) {
        return number(summary.path("cpu").path("server_cpu_seconds_per_gbit"));
    }

    static Optional<Double> p50Ms(JsonNode summary) {
        return latencyMs(summary, "p50_us");
    }

    static Optional<Double> p99Ms(JsonNode summary) {
        return latencyMs(summary, "p99_us");
    }

    private static Optional<Double> latencyMs(JsonNode summary, String fieldUs) {
        return number(SummaryGroups.byMode(summary, "healthy").path("latency").path(fieldUs)).map(us -> us / 1e3);
    }

    private static Optional<Double> number(JsonNode node) {
        return node.isNumber() ? Optional.of(node.asDouble()) : Optional.empty();
    }

    private static double[] values(List<SideBySideTable.Row> runs, Figure figure) {
        return runs.stream().map(r -> figure.of(r.summary())).flatMap(Optional::stream)
                .mapToDouble(Double::doubleValue).toArray();
    }

    /** ringcast's figure over nginx-rtmp's, one per round in which both ran and reported it. */
    private static double[] ratios(List<SideBySideTable.Row> runs, String server, Figure figure) {
        List<Double> ratios = new ArrayList<>();
        for (SideBySideTable.Row mine : runs) {
            if (!mine.server().equals(server)) {
                continue;
            }
            for (SideBySideTable.Row theirs : runs) {
                if (theirs.server().equals(NGINX) && theirs.round() == mine.round()) {
                    Optional<Double> a = figure.of(mine.summary());
                    Optional<Double> b = figure.of(theirs.summary());
                    if (a.isPresent() && b.isPresent() && b.get() > 0) {
                        ratios.add(a.get() / b.get());
                    }
                }
            }
        }
        return ratios.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** "-" for none, the value for one, else "median (min–max)", the median by nearest rank ({@link Percentiles}). */
    static String spread(double[] values, int digits) {
        Percentiles spread = Percentiles.of(values);
        String format = "%." + digits + "f";
        String median = String.format(Locale.ROOT, format, spread.p50());
        if (spread.count() <= 1) {
            return spread.count() == 0 ? "-" : median;
        }
        return median + " (" + String.format(Locale.ROOT, format, spread.min()) + "–"
                + String.format(Locale.ROOT, format, spread.max()) + ")";
    }
}
