package io.ringcast.broadcast.latency;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.TimeUnit;

/**
 * Server-added latency of one stream over one protocol: write completion minus the frame's ingest nanoTime.
 *
 * <p>Any number of egress threads record wait-free into an HdrHistogram {@link Recorder}; one housekeeping thread
 * calls {@link #sampleInterval()} periodically, which moves the interval into the running total and keeps it for
 * interval logs. Readers take copies.
 */
public final class LatencyStats {
    /** Highest latency tracked: anything slower than a minute is clamped to it. */
    public static final long HIGHEST_TRACKABLE_NS = TimeUnit.MINUTES.toNanos(1);
    private static final int SIGNIFICANT_DIGITS = 3;

    private final String protocol;
    private final Recorder recorder = new Recorder(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    private final Histogram total = new Histogram(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    /** The same total in fixed buckets, for exporters (Prometheus); filled at sampling time, never per frame. */
    private final LatencyBuckets buckets = new LatencyBuckets();
    /** The previous interval, handed back to the recorder for reuse (it accepts only its own histograms). */
    private Histogram recycled;

    public LatencyStats(String protocol) {
        this.protocol = protocol;
    }

    public String protocol() {
        return protocol;
    }

    /** Records one frame's latency; wait-free, allocation-free, any thread. */
    public void record(long latencyNs) {
        recorder.recordValue(Math.min(Math.max(latencyNs, 1), HIGHEST_TRACKABLE_NS));
    }

    /** Moves what was recorded since the last call into the total; returns a copy of that interval. */
    public synchronized Histogram sampleInterval() {
        Histogram interval = recorder.getIntervalHistogram(recycled);
        total.add(interval);
        buckets.add(interval);
        recycled = interval;
        return interval.copy();
    }

    /**
     * Everything sampled so far in {@link LatencyBuckets}' fixed buckets: fills {@code countsOut} (length
     * {@link LatencyBuckets#boundCount()} + 1, per bucket, not cumulative) and returns the sum of the values in
     * nanoseconds. No copy of the histogram: cheap enough for a scrape of every stream. Any thread.
     */
    public synchronized double bucketCounts(long[] countsOut) {
        buckets.copyCounts(countsOut);
        return buckets.sumNs();
    }

    /** A copy of everything sampled so far. */
    public synchronized Histogram total() {
        return total.copy();
    }
}
