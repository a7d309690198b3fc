package io.ringcast.perf.load.media;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When the publisher finished writing each frame of one track, by frame index, in a ring of the last
 * {@code capacity} frames. One writer (the publisher thread), many readers (viewer threads); no locks.
 * <p>
 * A slot holds the send time and the index it belongs to; the index is written after the time with release
 * semantics, so a reader that finds its index (acquire) sees that frame's time. A reader asking for a frame the
 * publisher has not finished writing (its viewer was faster than the publisher thread's clock read) or one the ring
 * has overwritten gets {@link #UNKNOWN}.
 */
public final class SendTimes {
    /** Returned for a frame whose send time is not (or no longer) in the ring. */
    public static final long UNKNOWN = Long.MIN_VALUE;

    private final AtomicLongArray sendNs;
    private final AtomicLongArray indices;
    private final int mask;

    /** @param capacity frames remembered, a power of two, e.g. 8192 (over 4 minutes of 30 fps video) */
    public SendTimes(int capacity) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        sendNs = new AtomicLongArray(capacity);
        indices = new AtomicLongArray(capacity);
        for (int i = 0; i < capacity; i++) {
            indices.setPlain(i, -1);
        }
        mask = capacity - 1;
    }

    /** Publisher thread: frame {@code index} was completely written at {@code nanoTime}. */
    public void record(long index, long nanoTime) {
        int slot = (int) index & mask;
        sendNs.setPlain(slot, nanoTime);
        indices.setRelease(slot, index);
    }

    /** Any thread: the send time of frame {@code index}, or {@link #UNKNOWN}. */
    public long sendNs(long index) {
        int slot = (int) index & mask;
        if (indices.getAcquire(slot) != index) {
            return UNKNOWN;
        }
        return sendNs.getPlain(slot);
    }
}
