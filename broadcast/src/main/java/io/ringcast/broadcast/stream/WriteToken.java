package io.ringcast.broadcast.stream;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The right to write the track rings of a stream with a backup source: which source epoch holds it and whether
 * that holder is writing a frame right now. Lock-free; used by the two sources' ingest threads.
 *
 * <p>Protocol: the holder writes a frame between {@link #tryBeginWrite} and {@link #endWrite}; a source takes the
 * token over with {@link #takeOver}, which succeeds only while the holder is not writing and returns with the
 * writing bit set for the new epoch. One word holds both facts, so a holder that was taken over fails its next
 * {@link #tryBeginWrite} and can never write at the same time as its successor: the rings keep a single writer at
 * every instant. The CAS that starts a write (acquire) and the release store that ends it order every ring write of
 * one holder before every ring write of the next.
 *
 * <pre>
 *  word = epoch << 1 | writing
 *  holder:    (e,0) --tryBeginWrite(e)--> (e,1) --endWrite(e)--> (e,0)
 *  successor: (e,0) --takeOver(e, f)----> (f,1) --endWrite(f)--> (f,0)
 * </pre>
 */
final class WriteToken {
    /** The epoch of nobody: a stream whose sources have not written yet. */
    static final int NO_EPOCH = 0;
    private static final long WRITING = 1;

    private final AtomicLong word;

    WriteToken(int holderEpoch) {
        this.word = new AtomicLong((long) holderEpoch << 1);
    }

    /** The epoch that holds the token. */
    int holder() {
        return (int) (word.get() >>> 1);
    }

    /** Whether the holder is writing a frame now. */
    boolean isWriting() {
        return (word.get() & WRITING) != 0;
    }

    /** Starts a write by {@code epoch}; false when {@code epoch} no longer holds the token (it was taken over). */
    boolean tryBeginWrite(int epoch) {
        long idle = (long) epoch << 1;
        return word.compareAndSet(idle, idle | WRITING);
    }

    /** Ends the write {@link #tryBeginWrite} or {@link #takeOver} started; only the epoch that started it. */
    void endWrite(int epoch) {
        assert word.get() == (((long) epoch << 1) | WRITING) : word.get();
        word.setRelease((long) epoch << 1);
    }

    /**
     * Takes the token from {@code expectedHolder} for {@code newEpoch}, waiting (spinning) while the holder is in
     * the middle of one frame's write; returns true with the write started for {@code newEpoch}, or false when the
     * token moved to another epoch meanwhile.
     */
    boolean takeOver(int expectedHolder, int newEpoch) {
        long idle = (long) expectedHolder << 1;
        while (true) {
            long now = word.get();
            if (now == idle) {
                if (word.compareAndSet(idle, ((long) newEpoch << 1) | WRITING)) {
                    return true;
                }
            } else if (now != (idle | WRITING)) {
                return false;
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
