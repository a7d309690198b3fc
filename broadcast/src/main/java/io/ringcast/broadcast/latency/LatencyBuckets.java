package io.ringcast.broadcast.latency;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.concurrent.TimeUnit;

/**
 * Fixed latency buckets (1-2-5 steps from 100 µs to 10 s, then everything slower) with a count per bucket and the
 * sum of the values, for exporters whose histograms have fixed bounds (Prometheus' classic buckets). Filled from
 * sampled HdrHistogram intervals by the housekeeping thread, so recording stays wait-free and unchanged; not
 * thread-safe on its own: {@link LatencyStats} guards it with its monitor.
 */
public final class LatencyBuckets {
    /** Upper bounds (inclusive) in nanoseconds; a last bucket above them takes everything slower. */
    private static final long[] UPPER_BOUNDS_NS = {
        us(100), us(200), us(500), ms(1), ms(2), ms(5), ms(10), ms(20), ms(50), ms(100), ms(200), ms(500),
        ms(1_000), ms(2_000), ms(5_000), ms(10_000),
    };

    /** Per bucket, not cumulative; index {@code UPPER_BOUNDS_NS.length} is the overflow bucket. */
    private final long[] counts = new long[UPPER_BOUNDS_NS.length + 1];
    private long count;
    private double sumNs;

    /** How many finite upper bounds there are; buckets are one more (the overflow). */
    public static int boundCount() {
        return UPPER_BOUNDS_NS.length;
    }

    /** The upper bound of bucket {@code index} in nanoseconds (index below {@link #boundCount()}). */
    public static long upperBoundNs(int index) {
        return UPPER_BOUNDS_NS[index];
    }

    /**
     * Adds every value of {@code interval}; each value lands in the bucket of the lowest value of its HdrHistogram
     * equivalent range (so within 0.1 % of a bound it may land on either side).
     */
    void add(Histogram interval) {
        if (interval.getTotalCount() == 0) {
            return;
        }
        int bucket = 0;
        for (HistogramIterationValue v : interval.recordedValues()) {
            long valueNs = v.getValueIteratedTo();
            long n = v.getCountAtValueIteratedTo();
            // The lowest value of its equivalent range: a value recorded exactly at a bound counts as "le" it.
            long lowestNs = interval.lowestEquivalentValue(valueNs);
            while (bucket < UPPER_BOUNDS_NS.length && lowestNs > UPPER_BOUNDS_NS[bucket]) {
                bucket++;
            }
            counts[bucket] += n;
            count += n;
            sumNs += (double) interval.medianEquivalentValue(valueNs) * n;
        }
    }

    /** Copies the per-bucket counts (not cumulative; length {@link #boundCount()} + 1) into {@code out}. */
    void copyCounts(long[] out) {
        System.arraycopy(counts, 0, out, 0, counts.length);
    }

    long count() {
        return count;
    }

    double sumNs() {
        return sumNs;
    }

    private static long us(long micros) {
        return TimeUnit.MICROSECONDS.toNanos(micros);
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
