package io.ringcast.perf.load.report;

import org.HdrHistogram.Histogram;

/** Latency percentiles in microseconds from a histogram of nanoseconds. Immutable. */
public record LatencyStats(long count, double p50Us, double p90Us, double p99Us, double p999Us, double maxUs) {
    private static final double NANOS_PER_MICRO = 1_000.0;

    public static LatencyStats of(Histogram latencyNs) {
        if (latencyNs.getTotalCount() == 0) {
            return new LatencyStats(0, 0, 0, 0, 0, 0);
        }
        return new LatencyStats(latencyNs.getTotalCount(), us(latencyNs, 50), us(latencyNs, 90), us(latencyNs, 99),
                us(latencyNs, 99.9), latencyNs.getMaxValue() / NANOS_PER_MICRO);
    }

    private static double us(Histogram latencyNs, double percentile) {
        return latencyNs.getValueAtPercentile(percentile) / NANOS_PER_MICRO;
    }
}
