package io.ringcast.ingest.relay;

import java.util.function.DoubleSupplier;

/**
 * The wait before a relay's next round of attempts: bounded exponential with jitter. Step {@code k} (0 after a
 * reset) waits uniformly within {@code [max(min, b/2), b]} where {@code b = min(max, min * 2^k)}, so relays that
 * failed together do not retry together. Thread-safe if the jitter source is.
 */
public final class Backoff {
    private static final int MAX_SHIFT = 40;
    private final long minMs;
    private final long maxMs;
    private final DoubleSupplier random;

    /** @param random uniform values in [0, 1): the jitter source (seeded in tests) */
    public Backoff(long minMs, long maxMs, DoubleSupplier random) {
        if (minMs < 1 || maxMs < minMs) {
            throw new IllegalArgumentException("backoff needs 1 <= min <= max: " + minMs + ", " + maxMs);
        }
        this.minMs = minMs;
        this.maxMs = maxMs;
        this.random = random;
    }

    /** The wait of step {@code step} (0, 1, 2, ...) in milliseconds, within {@code [min, max]}. */
    public long delayMs(int step) {
        long bound = minMs << Math.min(Math.max(step, 0), MAX_SHIFT);
        long upper = bound <= 0 || bound > maxMs ? maxMs : bound;
        long lower = Math.max(minMs, upper / 2);
        return Math.min(upper, lower + (long) (random.getAsDouble() * (upper - lower + 1)));
    }

    public long minMs() {
        return minMs;
    }

    public long maxMs() {
        return maxMs;
    }
}
