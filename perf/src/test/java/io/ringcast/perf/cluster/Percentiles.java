package io.ringcast.perf.cluster;

import java.util.Arrays;

/** Nearest-rank percentiles of a handful of measured values (per-viewer gaps, arrival delays), for reports. */
final class Percentiles {
    private Percentiles() {
    }

    /** The {@code percent} percentile (nearest rank) of {@code values}; 0 for none. */
    static long of(long[] values, double percent) {
        if (values.length == 0) {
            return 0;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** "p50 X ms, p99 Y ms, max Z ms (N values)". */
    static String summary(long[] values) {
        return "p50 " + of(values, 50) + " ms, p99 " + of(values, 99) + " ms, max " + of(values, 100) + " ms ("
                + values.length + " values)";
    }
}
