package io.ringcast.ingest.relay;

import io.ringcast.broadcast.time.NanoClock;

import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The production {@link RelayTasks}: a bounded pool whose idle threads end (a relay backing off holds none) and one
 * timer thread that checks every deadline against the injected clock before it runs the task. Thread-safe.
 */
public final class PoolRelayTasks implements RelayTasks, AutoCloseable {
    private static final long IDLE_THREAD_SECONDS = 30;
    private static final long CLOSE_TIMEOUT_MS = 2_000;
    private final NanoClock clock;
    private final ThreadPoolExecutor pool;
    private final ScheduledThreadPoolExecutor timer;

    /** @param threads most attempts running at once (a live pull holds one thread while it reads) */
    public PoolRelayTasks(NanoClock clock, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("relay threads must be positive: " + threads);
        }
        this.clock = clock;
        AtomicInteger count = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, IDLE_THREAD_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> daemon(r, "ringcast-relay-" + count.incrementAndGet()));
        this.pool.allowCoreThreadTimeOut(true);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "ringcast-relay-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    @Override
    public Runnable schedule(long dueNs, Runnable task) {
        AtomicReference<Future<?>> pending = new AtomicReference<>();
        AtomicBoolean cancelled = new AtomicBoolean();
        Runnable check = new Runnable() {
            @Override
            public void run() {
                if (cancelled.get()) {
                    return;
                }
                long remainingNs = dueNs - clock.nanoTime();
                if (remainingNs > 0) {
                    pending.set(timer.schedule(this, remainingNs, TimeUnit.NANOSECONDS));
                } else {
                    task.run();
                }
            }
        };
        pending.set(timer.schedule(check, Math.max(0, dueNs - clock.nanoTime()), TimeUnit.NANOSECONDS));
        return () -> {
            cancelled.set(true);
            Future<?> f = pending.get();
            if (f != null) {
                f.cancel(false);
            }
        };
    }

    /** Stops both pools; running attempts were ended by their relays' stop. */
    @Override
    public void close() {
        timer.shutdownNow();
        pool.shutdownNow();
        try {
            pool.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
