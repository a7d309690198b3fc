package io.ringcast.broadcast.hls;

import io.ringcast.broadcast.stream.StreamPath;

/**
 * The read side of one stream's HLS output: the newest published {@link HlsWindow} and the stats. The segmenter
 * thread publishes; servlet and stats threads read, lock-free (a volatile reference to an immutable snapshot).
 */
public final class HlsStream {
    private final StreamPath path;
    private final HlsStats stats;
    private volatile HlsWindow window;
    /** Run once when the first segment is published (or the stream ends); guarded by itself. */
    private final java.util.List<Runnable> firstSegmentWaiters = new java.util.ArrayList<>();
    private boolean ended;

    HlsStream(StreamPath path, HlsStats stats) {
        this.path = path;
        this.stats = stats;
        this.window = HlsWindow.empty(path.name());
    }

    public StreamPath path() {
        return path;
    }

    /** The newest snapshot; any thread. */
    public HlsWindow window() {
        return window;
    }

    public HlsStats stats() {
        return stats;
    }

    /**
     * Runs {@code action} once the window has a segment, or the stream ended without one: at once (on the calling
     * thread) if either is so already, else on the segmenter's thread or the closing thread. Keep it short (e.g.
     * an async dispatch of a waiting playlist request). Any thread.
     */
    public void onFirstSegment(Runnable action) {
        synchronized (firstSegmentWaiters) {
            if (window.isEmpty() && !ended) {
                firstSegmentWaiters.add(action);
                return;
            }
        }
        action.run();
    }

    /** Undoes {@link #onFirstSegment} for an action that no longer needs to run. */
    public void removeFirstSegmentWaiter(Runnable action) {
        synchronized (firstSegmentWaiters) {
            firstSegmentWaiters.remove(action);
        }
    }

    void publish(HlsWindow next) {
        window = next;
        if (!next.isEmpty()) {
            runWaiters(false);
        }
    }

    /** The stream's segmenter closed: nobody waits for a first segment any more. */
    void end() {
        runWaiters(true);
    }

    private void runWaiters(boolean end) {
        Runnable[] waiting;
        synchronized (firstSegmentWaiters) {
            ended |= end;
            if (firstSegmentWaiters.isEmpty()) {
                return;
            }
            waiting = firstSegmentWaiters.toArray(new Runnable[0]);
            firstSegmentWaiters.clear();
        }
        for (Runnable action : waiting) {
            action.run();
        }
    }
}
