package io.ringcast.perf.load.report;

import java.util.Arrays;

/**
 * Nearest-rank percentiles of a small set of per-viewer values (first-keyframe times, throughputs); computed once
 * at the end of a run. Immutable.
 */
public record Percentiles(int count, double min, double p50, double p90, double p99, double max) {
    private static final Percentiles EMPTY = new Percentiles(0, 0, 0, 0, 0, 0);

    public static Percentiles of(double[] values) {
        if (values.length == 0) {
            return EMPTY;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Percentiles(sorted.length, sorted[0], rank(sorted, 50), rank(sorted, 90), rank(sorted, 99),
                sorted[sorted.length - 1]);
    }

    private static double rank(double[] sorted, double percentile) {
        int rank = (int) Math.ceil(percentile / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
