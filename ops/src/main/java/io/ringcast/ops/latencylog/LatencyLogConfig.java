package io.ringcast.ops.latencylog;

import java.nio.file.Path;

/**
 * Configuration of the latency interval log, section {@code [latency_log]}. Immutable; any thread.
 *
 * @param directory  where the daily files {@code latency-YYYY-MM-DD.hlog} go (created when missing)
 * @param intervalS  how many seconds of the engine's one-second intervals each logged histogram aggregates
 * @param retainDays how many UTC days of files to keep, the current one included; older ones are deleted when a day's
 *                   file is opened. 0 keeps every file.
 */
public record LatencyLogConfig(Path directory, int intervalS, int retainDays) {
    public static final String DEFAULT_DIRECTORY = "latency-logs";
    public static final int DEFAULT_INTERVAL_S = 10;
    public static final int MAX_INTERVAL_S = 3_600;
    public static final int DEFAULT_RETAIN_DAYS = 30;
    /** About 27 years: a bound only so that day arithmetic cannot overflow. */
    public static final int MAX_RETAIN_DAYS = 10_000;

    public LatencyLogConfig {
        if (directory == null) {
            throw new IllegalArgumentException("directory must be set");
        }
        if (intervalS < 1 || intervalS > MAX_INTERVAL_S) {
            throw new IllegalArgumentException("interval_s must be 1.." + MAX_INTERVAL_S + ": " + intervalS);
        }
        if (retainDays < 0 || retainDays > MAX_RETAIN_DAYS) {
            throw new IllegalArgumentException("retain_days must be 0.." + MAX_RETAIN_DAYS + ": " + retainDays);
        }
    }

    public static LatencyLogConfig defaults() {
        return new LatencyLogConfig(Path.of(DEFAULT_DIRECTORY), DEFAULT_INTERVAL_S, DEFAULT_RETAIN_DAYS);
    }

    public long intervalMs() {
        return intervalS * 1_000L;
    }
}
