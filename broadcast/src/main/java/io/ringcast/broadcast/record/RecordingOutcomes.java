package io.ringcast.broadcast.record;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The last {@code capacity} {@link RecordingOutcome}s of a server, newest first, so that an error stays visible
 * after its stream ended. Added to by recording writer threads when a file closes (rare), read by request threads;
 * synchronised.
 */
public final class RecordingOutcomes {
    private final int capacity;
    private final ArrayDeque<RecordingOutcome> outcomes;
    /** Told of every outcome as it is added (the hooks' record_done); they must not block. */
    private final List<Consumer<RecordingOutcome>> listeners = new CopyOnWriteArrayList<>();

    public RecordingOutcomes(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.outcomes = new ArrayDeque<>(capacity);
    }

    /** Adds the newest outcome, dropping the oldest beyond the capacity. */
    void add(RecordingOutcome outcome) {
        synchronized (this) {
            if (outcomes.size() == capacity) {
                outcomes.removeLast();
            }
            outcomes.addFirst(outcome);
        }
        listeners.forEach(listener -> listener.accept(outcome));
    }

    /** Tells {@code listener} of every outcome added from now on, on the recording's writer thread; must not block. */
    public void addListener(Consumer<RecordingOutcome> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<RecordingOutcome> listener) {
        listeners.remove(listener);
    }

    /** A copy, newest first. */
    public synchronized List<RecordingOutcome> newestFirst() {
        return new ArrayList<>(outcomes);
    }

    public int capacity() {
        return capacity;
    }
}
