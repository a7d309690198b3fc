package io.ringcast.broadcast.hooks;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Each hook's counters and latency since startup: calls made, answers that allowed and that refused, calls that
 * failed (timeouts, connection errors, queue full), notification retries, and the latency of each HTTP call in
 * microseconds (an HdrHistogram). Registered as an engine service by the hook plugin; written by hook threads,
 * read by stats requests; thread-safe.
 */
public final class HookStats {
    /** Latencies above this (µs) are clamped: far beyond any timeout a hook may have. */
    private static final long MAX_LATENCY_US = 3_600_000_000L;
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Map<HookEvent, PerHook> hooks = new EnumMap<>(HookEvent.class);

    public HookStats() {
        for (HookEvent event : HookEvent.values()) {
            hooks.put(event, new PerHook());
        }
    }

    /** One call sent (a retry counts as a call too). */
    public void called(HookEvent event) {
        hooks.get(event).calls.increment();
    }

    public void allowed(HookEvent event) {
        hooks.get(event).allowed.increment();
    }

    public void refused(HookEvent event) {
        hooks.get(event).refused.increment();
    }

    /** A call that timed out, failed to connect or read, or found the queue full. */
    public void failed(HookEvent event) {
        hooks.get(event).failed.increment();
    }

    /** A notification sent again after a failed attempt. */
    public void retried(HookEvent event) {
        hooks.get(event).retries.increment();
    }

    /** The time from sending a call to its answer (or failure), in microseconds. */
    public void latencyUs(HookEvent event, long latencyUs) {
        hooks.get(event).latency.recordValue(Math.max(0, Math.min(latencyUs, MAX_LATENCY_US)));
    }

    /** Every hook's figures, in {@link HookEvent} order, keyed by {@link HookEvent#key()}. */
    public Map<String, Snapshot> snapshot() {
        Map<String, Snapshot> all = new LinkedHashMap<>();
        hooks.forEach((event, perHook) -> all.put(event.key(), perHook.snapshot()));
        return all;
    }

    /** One hook's figures. */
    public Snapshot snapshot(HookEvent event) {
        return hooks.get(event).snapshot();
    }

    /**
     * One hook's figures at one moment.
     *
     * @param latencyUs every call's latency since startup in microseconds (a copy the caller owns)
     */
    public record Snapshot(long calls, long allowed, long refused, long failed, long retries, Histogram latencyUs) {
    }

    /** One hook's counters and its latency recorder with the totals it was drained into. */
    private static final class PerHook {
        final LongAdder calls = new LongAdder();
        final LongAdder allowed = new LongAdder();
        final LongAdder refused = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder retries = new LongAdder();
        final Recorder latency = new Recorder(MAX_LATENCY_US, SIGNIFICANT_DIGITS);
        /** Guarded by this object. */
        private final Histogram total = new Histogram(MAX_LATENCY_US, SIGNIFICANT_DIGITS);
        /** Recycled by the recorder; guarded by this object. */
        private Histogram interval;

        synchronized Snapshot snapshot() {
            interval = latency.getIntervalHistogram(interval);
            total.add(interval);
            return new Snapshot(calls.sum(), allowed.sum(), refused.sum(), failed.sum(), retries.sum(), total.copy());
        }
    }
}
