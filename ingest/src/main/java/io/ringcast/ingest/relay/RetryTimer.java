package io.ringcast.ingest.relay;

import java.util.concurrent.TimeUnit;

/**
 * One relay's backoff between attempts: the step it has reached, when its next attempt is due (on the engine's
 * clock, and as a wall time for the API), and the scheduled task. Used under the owning relay's monitor.
 */
final class RetryTimer {
    private final RelayContext ctx;
    private int step;
    private long dueNs;
    private long dueEpochMs;
    private Runnable cancel;

    RetryTimer(RelayContext ctx) {
        this.ctx = ctx;
    }

    /** The next wait is the shortest again (after a long enough live period). */
    void reset() {
        step = 0;
    }

    /** Schedules {@code onDue} after the next backoff step; returns the wait in milliseconds. */
    long schedule(Runnable onDue) {
        long delayMs = ctx.backoff().delayMs(step++);
        dueNs = ctx.clock().nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
        dueEpochMs = ctx.wallClock().millis() + delayMs;
        cancel = ctx.tasks().schedule(dueNs, onDue);
        return delayMs;
    }

    /**
     * Whether the scheduled attempt is due now; when the task ran early it is scheduled again and this answers
     * false. Once due, the timer is idle.
     */
    boolean isDue(Runnable onDue) {
        if (ctx.clock().nanoTime() - dueNs < 0) {
            cancel = ctx.tasks().schedule(dueNs, onDue);
            return false;
        }
        clear();
        return true;
    }

    /** Cancels a scheduled attempt, if any. */
    void cancel() {
        Runnable pending = cancel;
        clear();
        if (pending != null) {
            pending.run();
        }
    }

    /** When the next attempt starts, wall time, or 0 when none is scheduled. */
    long dueEpochMs() {
        return dueEpochMs;
    }

    private void clear() {
        cancel = null;
        dueNs = 0;
        dueEpochMs = 0;
    }
}
