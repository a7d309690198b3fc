package io.ringcast.broadcast.stream;

import io.ringcast.broadcast.time.NanoClock;

/**
 * The lifecycle of one stream: current state, the deadline of its timer and the count of illegal events.
 * Not thread-safe: the owning {@link Stream} serialises calls under its lifecycle lock.
 *
 * <p>Timers: entering WAITING_PUBLISHER arms the publish timeout (PublishTimeout, or OnDemandPublishTimeout for
 * streams pulled on demand); entering WAITING_CLOSE arms AutoCloseDelay. {@link #poll(long)} fires TIMEOUT once the
 * deadline passes. Auto-close is per stream: when it is off, the last subscriber leaving a publishing stream is
 * ignored.
 */
public final class StreamStateMachine {
    /** Result of {@link #fire}: the transition happened, was a legal no-op, or was illegal. */
    public enum Outcome { TRANSITIONED, IGNORED, ILLEGAL }

    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final NanoClock clock;
    private final long publishTimeoutNs;
    private final long autoCloseDelayNs;
    private final boolean autoClose;
    private StreamState state = StreamState.WAITING_PUBLISHER;
    private long deadlineNs;
    private long illegalEvents;

    public StreamStateMachine(NanoClock clock, long publishTimeoutNs, long autoCloseDelayNs, boolean autoClose) {
        if (publishTimeoutNs <= 0 || autoCloseDelayNs <= 0) {
            throw new IllegalArgumentException("timeouts must be positive: publishTimeoutNs=" + publishTimeoutNs
                    + " autoCloseDelayNs=" + autoCloseDelayNs);
        }
        this.clock = clock;
        this.publishTimeoutNs = publishTimeoutNs;
        this.autoCloseDelayNs = autoCloseDelayNs;
        this.autoClose = autoClose;
        this.deadlineNs = clock.nanoTime() + publishTimeoutNs;
    }

    public StreamState state() {
        return state;
    }

    /** Deadline of the running timer on the injected clock, or {@link Long#MAX_VALUE} if none runs. */
    public long deadlineNs() {
        return deadlineNs;
    }

    public long illegalEvents() {
        return illegalEvents;
    }

    public boolean autoClose() {
        return autoClose;
    }

    /** Applies an event. */
    public Outcome fire(StreamEvent event) {
        if (event == StreamEvent.LAST_SUBSCRIBER_LEFT && state == StreamState.PUBLISHING && !autoClose) {
            return Outcome.IGNORED;
        }
        StreamState target = StreamTransitions.target(state, event);
        if (target == null) {
            if (StreamTransitions.isIgnored(state, event)) {
                return Outcome.IGNORED;
            }
            illegalEvents++;
            return Outcome.ILLEGAL;
        }
        enter(target);
        return Outcome.TRANSITIONED;
    }

    /** Fires TIMEOUT if the running timer has expired; returns whether the state changed. */
    public boolean poll(long nowNs) {
        if (nowNs - deadlineNs >= 0 && deadlineNs != NO_DEADLINE) {
            return fire(StreamEvent.TIMEOUT) == Outcome.TRANSITIONED;
        }
        return false;
    }

    private void enter(StreamState target) {
        state = target;
        long now = clock.nanoTime();
        deadlineNs = switch (target) {
            case WAITING_PUBLISHER -> now + publishTimeoutNs;
            case WAITING_CLOSE -> now + autoCloseDelayNs;
            case PUBLISHING, CLOSED -> NO_DEADLINE;
        };
    }
}
