package io.ringcast.broadcast.time;

/**
 * Monotonic time source for engine logic (timers, lag policy), injected so tests step time instead of sleeping.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface NanoClock {
    /** The system's monotonic clock, as {@link System#nanoTime()}. */
    NanoClock SYSTEM = System::nanoTime;

    /** Current monotonic time in nanoseconds; only differences are meaningful. */
    long nanoTime();
}
