package io.ringcast.broadcast.record;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} {@link RecordingOutcome}s of a server, newest first, so that an error stays visible
 * after its stream ended. Added to by recording writer threads when a file closes (rare), read by request threads;
 * synchronised.
 */
public final class RecordingOutcomes {
    private final int capacity;
    private final ArrayDeque<RecordingOutcome> outcomes;

    public RecordingOutcomes(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.outcomes = new ArrayDeque<>(capacity);
    }

    /** Adds the newest outcome, dropping the oldest beyond the capacity. */
    synchronized void add(RecordingOutcome outcome) {
        if (outcomes.size() == capacity) {
            outcomes.removeLast();
        }
        outcomes.addFirst(outcome);
    }

    /** A copy, newest first. */
    public synchronized List<RecordingOutcome> newestFirst() {
        return new ArrayList<>(outcomes);
    }

    public int capacity() {
        return capacity;
    }
}
