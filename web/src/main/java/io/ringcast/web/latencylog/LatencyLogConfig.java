package io.ringcast.web.latencylog;

import java.nio.file.Path;

/**
 * Configuration of the latency interval log, section {@code [latency_log]}. Immutable; any thread.
 *
 * @param directory where the daily files {@code latency-YYYY-MM-DD.hlog} go (created when missing)
 * @param intervalS how many seconds of the engine's one-second intervals each logged histogram aggregates
 */
public record LatencyLogConfig(Path directory, int intervalS) {
    public static final String DEFAULT_DIRECTORY = "latency-logs";
    public static final int DEFAULT_INTERVAL_S = 10;
    public static final int MAX_INTERVAL_S = 3_600;

    public LatencyLogConfig {
        if (directory == null) {
            throw new IllegalArgumentException("directory must be set");
        }
        if (intervalS < 1 || intervalS > MAX_INTERVAL_S) {
            throw new IllegalArgumentException("interval_s must be 1.." + MAX_INTERVAL_S + ": " + intervalS);
        }
    }

    public static LatencyLogConfig defaults() {
        return new LatencyLogConfig(Path.of(DEFAULT_DIRECTORY), DEFAULT_INTERVAL_S);
    }

    public long intervalMs() {
        return intervalS * 1_000L;
    }
}
