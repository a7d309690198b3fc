package io.ringcast.ingest.relay;

import java.util.concurrent.TimeUnit;

/**
 * One relay's backoff between attempts: the step it has reached, when its next attempt is due (on the engine's
 * clock, and as a wall time for the API), and the scheduled task. Used under the owning relay's monitor.
 */
final class RetryTimer {
    private final RelayContext ctx;
    private final Backoff backoff;
    private int step;
    private long dueNs;
    private long dueEpochMs;
    private Runnable cancel;

    /** With the context's backoff. */
    RetryTimer(RelayContext ctx) {
        this(ctx, ctx.backoff());
    }

    /** @param backoff the waits between rounds (a relay may have its own, e.g. the cluster's short one) */
    RetryTimer(RelayContext ctx, Backoff backoff) {
        this.ctx = ctx;
        this.backoff = backoff;
    }

    /** The next wait is the shortest again (after a long enough live period). */
    void reset() {
        step = 0;
    }

    /** Schedules {@code onDue} after the next backoff step; returns the wait in milliseconds. */
    long schedule(Runnable onDue) {
        long delayMs = backoff.delayMs(step++);
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

    /** The longest wait between rounds. */
    long maxDelayMs() {
        return backoff.maxMs();
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
