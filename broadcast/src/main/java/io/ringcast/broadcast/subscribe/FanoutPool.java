package io.ringcast.broadcast.subscribe;

import io.ringcast.broadcast.time.NanoClock;

/**
 * The egress worker threads; spreads subscriptions over them, fewest-first. Thread-safe.
 */
public final class FanoutPool implements AutoCloseable {
    private final FanoutWorker[] workers;

    public FanoutPool(int threads, NanoClock clock) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("fan-out threads must be 1..256: " + threads);
        }
        workers = new FanoutWorker[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new FanoutWorker("ringcast-fanout-" + i, i, clock);
        }
    }

    public void start() {
        for (FanoutWorker w : workers) {
            w.start();
        }
    }

    /** Hands a subscription to the least loaded worker; false if it could not be taken (stream closed, full). */
    public boolean add(Subscription subscription) {
        FanoutWorker best = workers[0];
        for (FanoutWorker w : workers) {
            if (w.subscriptionCount() < best.subscriptionCount()) {
                best = w;
            }
        }
        return best.add(subscription);
    }

    @Override
    public void close() {
        for (FanoutWorker w : workers) {
            try {
                w.stop(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
