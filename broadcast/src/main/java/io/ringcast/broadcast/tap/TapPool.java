package io.ringcast.broadcast.tap;

import java.util.concurrent.TimeUnit;

/**
 * A fixed set of {@link TapWorker} threads shared by the taps of every stream (e.g. HLS segmenters), so that the
 * thread count does not grow with the number of streams: a new tap goes to the worker with the fewest. Thread-safe.
 */
public final class TapPool implements AutoCloseable {
    private static final long STOP_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(2);
    private final TapWorker[] workers;

    /**
     * Starts {@code threads} workers named {@code ringcast-<name>-<i>}.
     *
     * @param threads 1..256
     */
    public TapPool(String name, int threads) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException(name + " threads must be 1..256: " + threads);
        }
        workers = new TapWorker[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = TapWorker.pooled("ringcast-" + name + "-" + i);
        }
        for (TapWorker w : workers) {
            w.start();
        }
    }

    /** The default size for taps that do CPU work per frame: one thread per core, at most {@code max}. */
    public static int defaultThreads(int max) {
        return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), max));
    }

    public int threadCount() {
        return workers.length;
    }

    /** Taps currently run by the pool. */
    public int tapCount() {
        int taps = 0;
        for (TapWorker w : workers) {
            taps += w.tapCount();
        }
        return taps;
    }

    TapWorker leastLoaded() {
        TapWorker best = workers[0];
        for (TapWorker w : workers) {
            if (w.tapCount() < best.tapCount()) {
                best = w;
            }
        }
        return best;
    }

    /** Stops the workers, which end the taps they still run; returns once they ended (or after a bound). */
    @Override
    public void close() {
        for (TapWorker w : workers) {
            try {
                w.stop(STOP_TIMEOUT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
