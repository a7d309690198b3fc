package io.ringcast.ingest.relay;

import io.ringcast.broadcast.time.ManualClock;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * {@link RelayTasks} for tests on a {@link ManualClock}: pool tasks queue until {@link #runUntilIdle()} runs them on
 * the test thread (or go to a real executor, for pulls that block), timers run when the clock passed their due time.
 */
final class ManualRelayTasks implements RelayTasks {
    private final ManualClock clock;
    private final Executor pool;
    private final Deque<Runnable> queued = new ArrayDeque<>();
    private final List<Timer> timers = new ArrayList<>();

    private static final class Timer {
        final long dueNs;
        final Runnable task;
        boolean cancelled;

        Timer(long dueNs, Runnable task) {
            this.dueNs = dueNs;
            this.task = task;
        }
    }

    /** Pool tasks queue for {@link #runUntilIdle()}. */
    ManualRelayTasks(ManualClock clock) {
        this(clock, null);
    }

    /** Pool tasks run on {@code pool} (pulls that block until closed); timers still wait for the clock. */
    ManualRelayTasks(ManualClock clock, Executor pool) {
        this.clock = clock;
        this.pool = pool;
    }

    @Override
    public synchronized void execute(Runnable task) {
        if (pool != null) {
            pool.execute(task);
        } else {
            queued.add(task);
        }
    }

    @Override
    public synchronized Runnable schedule(long dueNs, Runnable task) {
        Timer timer = new Timer(dueNs, task);
        timers.add(timer);
        return () -> {
            synchronized (this) {
                timer.cancelled = true;
                timers.remove(timer);
            }
        };
    }

    /** Runs queued pool tasks and due timers, in order, until none is left; returns how many ran. */
    int runUntilIdle() {
        int ran = 0;
        while (true) {
            Runnable next;
            synchronized (this) {
                next = queued.poll();
                if (next == null) {
                    Timer due = timers.stream().filter(t -> clock.nanoTime() - t.dueNs >= 0)
                            .min(Comparator.comparingLong(t -> t.dueNs)).orElse(null);
                    if (due != null) {
                        timers.remove(due);
                        next = due.task;
                    }
                }
            }
            if (next == null) {
                return ran;
            }
            next.run();
            ran++;
        }
    }

    synchronized int pendingTimers() {
        return timers.size();
    }

    synchronized int queuedTasks() {
        return queued.size();
    }
}
