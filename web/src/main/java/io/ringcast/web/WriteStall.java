package io.ringcast.web;

import io.ringcast.broadcast.time.NanoClock;

/**
 * Whether one connection's writes are stalled, and for how long: the decision behind {@code [http]
 * write_timeout_ms}, apart from the socket plumbing in {@link HttpWriteTimeout}. Written by whichever thread
 * writes the response, read by the connection's I/O thread; one volatile field, no lock.
 *
 * <p>The connection is <em>waiting</em> from the moment the server has bytes the socket does not take (a write
 * left bytes behind, or the writer asked to be told when it may write) until a write takes everything it was
 * given or the writer stops asking. Each write that takes some bytes but not all restarts the wait: progress,
 * however slow, is never a stall. A connection waiting for {@code timeoutNs} or longer has stalled.
 */
final class WriteStall {
    /** {@link #waitingSinceNs} while nothing waits; a monotonic clock reading of exactly this never occurs. */
    private static final long NOT_WAITING = Long.MIN_VALUE;

    private final long timeoutNs;
    private final NanoClock clock;
    private volatile long waitingSinceNs = NOT_WAITING;

    WriteStall(long timeoutNs, NanoClock clock) {
        if (timeoutNs <= 0) {
            throw new IllegalArgumentException("write timeout must be positive: " + timeoutNs + " ns");
        }
        this.timeoutNs = timeoutNs;
        this.clock = clock;
    }

    /** A write took {@code bytes} and left bytes behind ({@code leftBehind}) or not. */
    void wrote(long bytes, boolean leftBehind) {
        if (!leftBehind) {
            waitingSinceNs = NOT_WAITING;
        } else if (bytes > 0 || waitingSinceNs == NOT_WAITING) {
            waitingSinceNs = clock.nanoTime();
        }
    }

    /** The writer waits to be able to write (writes resumed, or a blocking wait); keeps an earlier start. */
    void waiting() {
        if (waitingSinceNs == NOT_WAITING) {
            waitingSinceNs = clock.nanoTime();
        }
    }

    /** The writer no longer asks to write (writes suspended): nothing is pending on its side. */
    void notWaiting() {
        waitingSinceNs = NOT_WAITING;
    }

    boolean isWaiting() {
        return waitingSinceNs != NOT_WAITING;
    }

    /** Whether the connection has waited the whole timeout without a byte taken. */
    boolean hasStalled() {
        long since = waitingSinceNs;
        return since != NOT_WAITING && clock.nanoTime() - since >= timeoutNs;
    }

    /** Nanoseconds until the connection stalls if nothing moves; the whole timeout while it does not wait. */
    long remainingNs() {
        long since = waitingSinceNs;
        return since == NOT_WAITING ? timeoutNs : timeoutNs - (clock.nanoTime() - since);
    }
}
