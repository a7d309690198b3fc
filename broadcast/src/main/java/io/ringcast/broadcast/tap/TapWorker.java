package io.ringcast.broadcast.tap;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread running any number of {@link StreamTap}s round robin, a batch of frames per tap per round, and
 * parking when none has work; producers wake it. Without taps it parks until one is added (no timer: an idle
 * server's tap threads make no wake-ups). Owns its taps' consumers: only this thread calls them. Adding, removing
 * and stopping are thread-safe (copy-on-write tap array, rare).
 *
 * <p>A dedicated worker ({@link #dedicated}) serves one tap and ends with it; a {@link TapPool}'s workers serve
 * many and end when the pool closes, ending the taps they still hold.
 */
final class TapWorker implements Runnable {
    /** Frames one tap may take per round before the next tap's turn: fairness between the streams of a worker. */
    static final int BATCH_FRAMES = 64;
    /** Bound on an idle park: a closed stream is noticed within it even if nobody wakes the worker. */
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final StreamTap[] NONE = new StreamTap[0];

    private final Thread thread;
    private final boolean dedicated;
    private volatile StreamTap[] taps = NONE;
    private volatile boolean parked;
    private volatile boolean running = true;

    private TapWorker(String threadName, boolean dedicated) {
        this.dedicated = dedicated;
        this.thread = new Thread(this, threadName);
        this.thread.setDaemon(true);
    }

    /** A worker for one tap: add it, then {@link #start()}; the thread ends when the tap does. */
    static TapWorker dedicated(String threadName) {
        return new TapWorker(threadName, true);
    }

    /** A worker of a pool; started by it. */
    static TapWorker pooled(String threadName) {
        return new TapWorker(threadName, false);
    }

    void start() {
        thread.start();
    }

    synchronized void add(StreamTap tap) {
        StreamTap[] grown = Arrays.copyOf(taps, taps.length + 1);
        grown[taps.length] = tap;
        taps = grown;
        wake();
    }

    private synchronized void remove(StreamTap tap) {
        taps = Arrays.stream(taps).filter(t -> t != tap).toArray(StreamTap[]::new);
    }

    int tapCount() {
        return taps.length;
    }

    /** Unparks the worker if it sleeps; any thread, once per published frame (a volatile read when it runs). */
    void wake() {
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    boolean isCurrentThread() {
        return Thread.currentThread() == thread;
    }

    /** Stops the thread (it ends the taps it still holds) and waits for it at most {@code timeoutMs}. */
    void stop(long timeoutMs) throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        if (!isCurrentThread()) {
            thread.join(timeoutMs);
        }
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    @Override
    public void run() {
        while (running) {
            StreamTap[] current = taps;
            boolean worked = false;
            for (StreamTap tap : current) {
                int frames = tap.drain(BATCH_FRAMES);
                if (frames == StreamTap.ENDED) {
                    remove(tap);
                } else if (frames > 0) {
                    worked = true;
                }
            }
            if (dedicated && taps.length == 0) {
                return;
            }
            if (!worked) {
                idle();
            }
        }
        for (StreamTap tap : taps) {
            tap.finish();
        }
        taps = NONE;
    }

    private void idle() {
        parked = true;
        try {
            // Checked after announcing the park, so a producer's wake (or add's) in between is never lost.
            StreamTap[] current = taps;
            for (StreamTap tap : current) {
                if (tap.hasWork()) {
                    return;
                }
            }
            if (!running) {
                return;
            }
            if (current.length == 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, IDLE_PARK_NS);
            }
        } finally {
            parked = false;
        }
    }
}
