package io.ringcast.web.httpflv;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * An HTTP-FLV viewer's "writable again" signals, counted, and the count at which its output last refused bytes. The
 * worker reads the epoch before it writes; after a refusal it writes nothing (and asks nothing) until a container
 * callback moves the epoch past the value it read. A callback racing with the refusal has already moved it, so it is
 * never lost. The epoch is bumped by container threads; the rest is the worker's.
 */
final class WritableEpoch {
    /** In this object, not an AtomicLong of its own: the worker reads it for every frame of every viewer. */
    private static final AtomicLongFieldUpdater<WritableEpoch> EPOCH =
            AtomicLongFieldUpdater.newUpdater(WritableEpoch.class, "epoch");

    private volatile long epoch;
    private long blockedAt;

    /** @param blockedAtStart whether the output must first signal writability (the servlet stream does, once) */
    WritableEpoch(boolean blockedAtStart) {
        this.blockedAt = blockedAtStart ? 0 : -1;
    }

    /** Container thread: the output takes bytes again. */
    void signal() {
        EPOCH.incrementAndGet(this);
    }

    /** Worker: the epoch now, read before asking the output or writing to it. */
    long read() {
        return epoch;
    }

    /** Worker: whether the output refused bytes at {@code current} and has not signalled since. */
    boolean isBlockedAt(long current) {
        return current == blockedAt;
    }

    /** Worker: the output refused bytes at epoch {@code at}. */
    void blockAt(long at) {
        blockedAt = at;
    }
}
