package io.ringcast.perf.load.viewer;

/**
 * The measured part of a run, in {@code System.nanoTime()}: latency, missed frames and delivered bytes count only
 * inside it (not during ramp-up and warm-up). Set by the coordinating thread, read by every viewer thread.
 */
public final class RunWindow {
    private volatile long startNs = Long.MAX_VALUE;
    private volatile long endNs = Long.MAX_VALUE;

    /** Opens the window. */
    public void start(long nowNs) {
        startNs = nowNs;
    }

    /** Closes the window. */
    public void end(long nowNs) {
        endNs = nowNs;
    }

    public boolean contains(long nanoTime) {
        return nanoTime >= startNs && nanoTime < endNs;
    }

    /** Seconds between start and end, 0 while either is unset. */
    public double seconds() {
        long start = startNs;
        long end = endNs;
        return start == Long.MAX_VALUE || end == Long.MAX_VALUE ? 0 : (end - start) / 1e9;
    }
}
