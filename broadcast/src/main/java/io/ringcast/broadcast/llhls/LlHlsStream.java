package io.ringcast.broadcast.llhls;

import io.ringcast.broadcast.stream.StreamPath;

import java.util.ArrayList;
import java.util.List;

/**
 * The read side of one stream's LL-HLS output: the newest {@link LlWindow} (a volatile reference to an immutable
 * snapshot) and the blocking playlist reloads waiting for a part. The segmenter thread publishes; request threads
 * read and register waiters, which the segmenter runs when a window satisfies them (or the stream ends). A waiter
 * holds no thread: it is a short action, such as an async dispatch.
 */
public final class LlHlsStream {
    private final StreamPath path;
    private final LlHlsConfig config;
    private final long targetDurationMs;
    private volatile LlWindow window;
    private volatile boolean ended;
    /** Guarded by itself. */
    private final List<Waiter> waiters = new ArrayList<>();
    private volatile boolean anyWaiting;

    /**
     * @param targetDurationMs the configured segment target duration (blocking requests wait at most three)
     */
    public LlHlsStream(StreamPath path, LlHlsConfig config, long targetDurationMs) {
        this.path = path;
        this.config = config;
        this.targetDurationMs = targetDurationMs;
        this.window = LlWindow.empty(path.name());
    }

    public StreamPath path() {
        return path;
    }

    public LlHlsConfig config() {
        return config;
    }

    /** The configured segment target duration. */
    public long targetDurationMs() {
        return targetDurationMs;
    }

    /** The newest snapshot; any thread. */
    public LlWindow window() {
        return window;
    }

    /** Whether the stream's segmenter closed: no window will come after the current one. */
    public boolean isEnded() {
        return ended;
    }

    /** How many blocking requests wait (tests, stats). */
    public int waiting() {
        synchronized (waiters) {
            return waiters.size();
        }
    }

    /**
     * Runs {@code action} once the window holds part {@code part} of segment {@code sequence} (or a later one), or
     * with {@code part < 0} the complete segment {@code sequence}, or the stream ended: at once on the calling
     * thread when that is so already, else later on the segmenter's (or closing) thread. Any thread.
     *
     * @return a handle for {@link #cancel}
     */
    public Object await(long sequence, int part, Runnable action) {
        Waiter waiter = new Waiter(sequence, part, action);
        synchronized (waiters) {
            if (!ended && !waiter.satisfiedBy(window)) {
                waiters.add(waiter);
                anyWaiting = true;
                return waiter;
            }
        }
        action.run();
        return waiter;
    }

    /** Forgets a waiter that no longer needs to run (its request timed out or ended). */
    public void cancel(Object waiter) {
        synchronized (waiters) {
            waiters.remove(waiter);
        }
    }

    /** Segmenter thread: publishes a window and runs the waiters it satisfies. */
    void publish(LlWindow next) {
        window = next;
        if (anyWaiting) {
            runWaiters(next, false);
        }
    }

    /** The segmenter closed: every waiter runs. */
    void end() {
        ended = true;
        runWaiters(window, true);
    }

    private void runWaiters(LlWindow w, boolean all) {
        List<Runnable> ready = new ArrayList<>();
        synchronized (waiters) {
            for (int i = waiters.size() - 1; i >= 0; i--) {
                Waiter waiter = waiters.get(i);
                if (all || waiter.satisfiedBy(w)) {
                    ready.add(waiter.action);
                    waiters.remove(i);
                }
            }
            anyWaiting = !waiters.isEmpty();
        }
        for (int i = ready.size() - 1; i >= 0; i--) {
            ready.get(i).run();
        }
    }

    private record Waiter(long sequence, int part, Runnable action) {
        boolean satisfiedBy(LlWindow w) {
            return part < 0 ? w.hasSegment(sequence) : w.hasPart(sequence, part);
        }
    }
}
