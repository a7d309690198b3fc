package io.ringcast.broadcast.latency;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Server-added latency of one stream over one protocol: write completion minus the frame's ingest nanoTime.
 *
 * <p>Each fan-out worker records into a {@link SingleWriterRecorder} of its own ({@link #writerFor(int)}), created
 * when it first serves this stream over this protocol: every viewer's every frame is recorded, and a recorder
 * shared by the workers made each record four contended atomic updates (half of the fan-out threads' own CPU time
 * at a thousand viewers). Any other thread records wait-free into a shared HdrHistogram {@link Recorder}
 * ({@link #record}). One housekeeping thread calls {@link #sampleInterval()} periodically, which moves the
 * intervals of all of them into the running total and keeps them for interval logs. Readers take copies.
 */
public final class LatencyStats {
    /** Highest latency tracked: anything slower than a minute is clamped to it. */
    public static final long HIGHEST_TRACKABLE_NS = TimeUnit.MINUTES.toNanos(1);
    private static final int SIGNIFICANT_DIGITS = 3;

    /** Fan-out workers with a recorder of their own; a worker beyond them records into the shared one. */
    public static final int MAX_WRITER_SLOTS = 64;
    /** Resolution of a worker's recorder: a microsecond (a nanosecond range would double its counts array). */
    private static final long WRITER_LOWEST_DISCERNIBLE_NS = 1_000;

    private final String protocol;
    private final Recorder recorder = new Recorder(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    private final AtomicReferenceArray<Writer> writers = new AtomicReferenceArray<>(MAX_WRITER_SLOTS);
    /** Per writer slot: its previous interval, handed back to its recorder for reuse. */
    private final Histogram[] recycledBySlot = new Histogram[MAX_WRITER_SLOTS];
    private final Histogram total = new Histogram(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    /** The last interval {@link #sampleInterval()} returned. */
    private final Histogram sampled = new Histogram(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
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

    /** Records one frame's latency; wait-free, allocation-free, any thread (contended: see {@link #writerFor}). */
    public void record(long latencyNs) {
        recorder.recordValue(clamp(latencyNs));
    }

    /**
     * The recorder of writer slot {@code slot} (a fan-out worker's index), made on first use; only that worker's
     * thread may record through it. A slot outside {@code [0, MAX_WRITER_SLOTS)} gets the shared recorder.
     */
    public Writer writerFor(int slot) {
        if (slot < 0 || slot >= MAX_WRITER_SLOTS) {
            return sharedWriter;
        }
        Writer writer = writers.get(slot);
        if (writer == null) {
            writers.compareAndSet(slot, null, new Writer(new SingleWriterRecorder(WRITER_LOWEST_DISCERNIBLE_NS,
                    HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS)));
            writer = writers.get(slot);
        }
        return writer;
    }

    /**
     * Moves what was recorded since the last call into the total; returns that interval, in a histogram this object
     * reuses at its next call (a full-range copy is a few hundred KB: one a second per stream and protocol kept the
     * collector busy at rest).
     */
    public synchronized Histogram sampleInterval() {
        Histogram interval = recorder.getIntervalHistogram(recycled);
        recycled = interval;
        sampled.reset();
        sampled.add(interval);
        for (int slot = 0; slot < MAX_WRITER_SLOTS; slot++) {
            Writer writer = writers.get(slot);
            if (writer != null) {
                Histogram ofSlot = writer.recorder.getIntervalHistogram(recycledBySlot[slot]);
                recycledBySlot[slot] = ofSlot;
                sampled.add(ofSlot);
            }
        }
        total.add(sampled);
        buckets.add(sampled);
        return sampled;
    }

    private static long clamp(long latencyNs) {
        return Math.min(Math.max(latencyNs, 1), HIGHEST_TRACKABLE_NS);
    }

    private final Writer sharedWriter = new Writer(null);

    /** Where one thread records this stream's latencies over this protocol; see {@link #writerFor}. */
    public final class Writer {
        /** Null for the shared recorder. */
        private final SingleWriterRecorder recorder;

        private Writer(SingleWriterRecorder recorder) {
            this.recorder = recorder;
        }

        /** Records one frame's latency; allocation-free. */
        public void record(long latencyNs) {
            if (recorder == null) {
                LatencyStats.this.record(latencyNs);
            } else {
                recorder.recordValue(clamp(latencyNs));
            }
        }
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
