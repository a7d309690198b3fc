package io.ringcast.perf.load.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

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
        Map<Integer, Double> nginxAdded = addedByRound(rows, SideBySideRatios.NGINX, viewers, readMode);
        if (nginxAdded.isEmpty()) {
            return null;
        }
        String fixed = Arrays.stream(SERVERS)
                .map(server -> SideBySideRatios.spread(fixedCores(rows, server, readMode), 3))
                .collect(Collectors.joining(" / "));
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %d | %s | %d | %s | %s", viewers,
                readMode, nginxAdded.size(), fixed, SideBySideRatios.spread(values(nginxAdded.values()), 3)));
        for (int i = 1; i < SERVERS.length; i++) {
            Map<Integer, Double> added = addedByRound(rows, SERVERS[i], viewers, readMode);
            List<Double> ratios = new ArrayList<>();
            added.forEach((round, mine) -> {
                Double theirs = nginxAdded.get(round);
                if (theirs != null && theirs > 0) {
                    ratios.add(mine / theirs);
                }
            });
            line.append(" | ").append(SideBySideRatios.spread(values(added.values()), 3))
                    .append(", ").append(SideBySideRatios.spread(values(ratios), 2));
        }
        return line.append(" |").toString();
    }

    private static double[] fixedCores(List<SideBySideTable.Row> rows, String server, String readMode) {
        return rows.stream().filter(r -> r.server().equals(server) && r.viewers() == 1
                        && r.readMode().equals(readMode)).map(r -> load(r.summary())).flatMap(Optional::stream)
                .mapToDouble(Load::cores).toArray();
    }

    /** Per round with both runs: core-s per Gbit that the N-viewer run adds to the 1-viewer run. */
    private static Map<Integer, Double> addedByRound(List<SideBySideTable.Row> rows, String server, int viewers,
                                                     String readMode) {
        Map<Integer, Load> one = loadByRound(rows, server, 1, readMode);
        Map<Integer, Double> added = new TreeMap<>();
        loadByRound(rows, server, viewers, readMode).forEach((round, many) -> {
            Load base = one.get(round);
            if (base != null) {
                addedPerGbit(base, many).ifPresent(value -> added.put(round, value));
            }
        });
        return added;
    }

    private static Map<Integer, Load> loadByRound(List<SideBySideTable.Row> rows, String server, int viewers,
                                                  String readMode) {
        Map<Integer, Load> loads = new TreeMap<>();
        for (SideBySideTable.Row row : rows) {
            if (row.server().equals(server) && row.viewers() == viewers && row.readMode().equals(readMode)) {
                load(row.summary()).ifPresent(l -> loads.put(row.round(), l));
            }
        }
        return loads;
    }

    static Optional<Double> addedPerGbit(Load one, Load many) {
        double addedGbitPerSecond = many.gbitPerSecond() - one.gbitPerSecond();
        return addedGbitPerSecond > 0
                ? Optional.of((many.cores() - one.cores()) / addedGbitPerSecond)
                : Optional.empty();
    }

    private static double[] values(Collection<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
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
