package io.ringcast.broadcast.time;

import java.time.Duration;

/** A clock that moves only when told to; for tests and simulations. Thread-safe. */
public final class ManualClock implements NanoClock {
    private volatile long nowNs;

    public ManualClock(long startNs) {
        this.nowNs = startNs;
    }

    @Override
    public long nanoTime() {
        return nowNs;
    }

    /** Moves time forward by {@code step}; returns the new time. */
    public synchronized long advance(Duration step) {
        if (step.isNegative()) {
            throw new IllegalArgumentException("a monotonic clock cannot go back: " + step);
        }
        nowNs += step.toNanos();
        return nowNs;
    }
}
