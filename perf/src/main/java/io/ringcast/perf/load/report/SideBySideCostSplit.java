package io.ringcast.perf.load.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Splits each server's CPU in a side-by-side run into what it costs with one viewer (the publisher's path, timers,
 * the runtime: the fixed part) and what every further delivered Gbit adds: for a run of N viewers and the 1-viewer
 * run of the same round, server and read mode, (cores at N − cores at 1) ÷ (Gbit/s at N − Gbit/s at 1), in core-s
 * per Gbit. A server can cost more per Gbit at a small audience than another while adding less per viewer; this
 * says which part differs. Runs of one round only are paired, as in {@link SideBySideRatios}. Stateless.
 */
final class SideBySideCostSplit {
    private static final String[] SERVERS = {SideBySideRatios.NGINX, "ringcast-flv", "ringcast-rtmp"};
    private static final double BITS_PER_GBIT = 1e9;

    private SideBySideCostSplit() {
    }

    /** Prints nothing when the run has no 1-viewer runs beside larger ones. */
    static void print(List<SideBySideTable.Row> rows, PrintStream out) {
        TreeSet<Integer> audiences = new TreeSet<>();
        TreeSet<String> readModes = new TreeSet<>();
        for (SideBySideTable.Row row : rows) {
            if (row.viewers() > 1) {
                audiences.add(row.viewers());
            }
            readModes.add(row.readMode());
        }
        boolean header = false;
        for (int viewers : audiences) {
            for (String readMode : readModes) {
                String line = line(rows, viewers, readMode);
                if (line == null) {
                    continue;
                }
                if (!header) {
                    out.println("| viewers | read mode | rounds | cores at 1 viewer: nginx-rtmp / HTTP-FLV / RTMP "
                            + "| nginx-rtmp CPU s per added Gbit | HTTP-FLV: per added Gbit, ratio "
                            + "| RTMP: per added Gbit, ratio |");
                    out.println("|---:|---|---:|---|---:|---|---|");
                    header = true;
                }
                out.println(line);
            }
        }
    }

    private static String line(List<SideBySideTable.Row> rows, int viewers, String readMode) {
        double[] nginxAdded = added(rows, SideBySideRatios.NGINX, viewers, readMode);
        if (nginxAdded.length == 0) {
            return null;
        }
        StringBuilder fixed = new StringBuilder();
        for (String server : SERVERS) {
            fixed.append(fixed.length() == 0 ? "" : " / ")
                    .append(SideBySideRatios.spread(fixedCores(rows, server, readMode), 3));
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %d | %s | %d | %s | %s", viewers,
                readMode, nginxAdded.length, fixed, SideBySideRatios.spread(nginxAdded, 3)));
        for (int i = 1; i < SERVERS.length; i++) {
            line.append(" | ").append(SideBySideRatios.spread(added(rows, SERVERS[i], viewers, readMode), 3))
                    .append(", ").append(SideBySideRatios.spread(addedRatios(rows, SERVERS[i], viewers, readMode), 2));
        }
        return line.append(" |").toString();
    }

    private static double[] fixedCores(List<SideBySideTable.Row> rows, String server, String readMode) {
        return rows.stream().filter(r -> r.server().equals(server) && r.viewers() == 1
                        && r.readMode().equals(readMode)).map(r -> load(r.summary())).flatMap(Optional::stream)
                .mapToDouble(Load::cores).toArray();
    }

    /** Per round with both runs: core-s per Gbit that the N-viewer run adds to the 1-viewer run. */
    private static double[] added(List<SideBySideTable.Row> rows, String server, int viewers, String readMode) {
        List<Double> added = new ArrayList<>();
        for (SideBySideTable.Row many : rows) {
            if (!many.server().equals(server) || many.viewers() != viewers || !many.readMode().equals(readMode)) {
                continue;
            }
            for (SideBySideTable.Row one : rows) {
                if (one.server().equals(server) && one.viewers() == 1 && one.readMode().equals(readMode)
                        && one.round() == many.round()) {
                    addedPerGbit(load(one.summary()), load(many.summary())).ifPresent(added::add);
                }
            }
        }
        return added.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** ringcast's added cost over nginx-rtmp's, one per round in which both have it. */
    private static double[] addedRatios(List<SideBySideTable.Row> rows, String server, int viewers,
                                        String readMode) {
        List<Double> ratios = new ArrayList<>();
        for (int round : rows.stream().mapToInt(SideBySideTable.Row::round).distinct().toArray()) {
            List<SideBySideTable.Row> ofRound = rows.stream().filter(r -> r.round() == round).toList();
            double[] mine = added(ofRound, server, viewers, readMode);
            double[] theirs = added(ofRound, SideBySideRatios.NGINX, viewers, readMode);
            if (mine.length == 1 && theirs.length == 1 && theirs[0] > 0) {
                ratios.add(mine[0] / theirs[0]);
            }
        }
        return ratios.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static Optional<Double> addedPerGbit(Optional<Load> one, Optional<Load> many) {
        if (one.isEmpty() || many.isEmpty()) {
            return Optional.empty();
        }
        double addedGbitPerSecond = many.get().gbitPerSecond() - one.get().gbitPerSecond();
        return addedGbitPerSecond > 0
                ? Optional.of((many.get().cores() - one.get().cores()) / addedGbitPerSecond)
                : Optional.empty();
    }

    /** A run's server CPU and delivered rate, both per second of its window. */
    record Load(double cores, double gbitPerSecond) {
    }

    static Optional<Load> load(JsonNode summary) {
        JsonNode cpu = summary.path("cpu");
        double window = summary.path("window_seconds").asDouble();
        if (window <= 0 || !cpu.path("server_cpu_seconds").isNumber() || !cpu.path("delivered_bytes").isNumber()) {
            return Optional.empty();
        }
        return Optional.of(new Load(cpu.path("server_cpu_seconds").asDouble() / window,
                cpu.path("delivered_bytes").asDouble() * Byte.SIZE / BITS_PER_GBIT / window));
    }
}
