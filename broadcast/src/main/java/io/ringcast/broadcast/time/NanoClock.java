package io.ringcast.broadcast.time;

/**
 * Monotonic time source for engine and ingest logic (timers, timeouts, lag policy, frames' ingest times and
 * latency), injected so tests step time instead of sleeping. Implementations are thread-safe.
 */
@FunctionalInterface
public interface NanoClock {
    /** The system's monotonic clock, {@link SystemNanoClock}. */
    NanoClock SYSTEM = SystemNanoClock.INSTANCE;

    /** Current monotonic time in nanoseconds; only differences are meaningful. */
    long nanoTime();
}
