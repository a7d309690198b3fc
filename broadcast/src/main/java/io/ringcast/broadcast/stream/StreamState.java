package io.ringcast.broadcast.stream;

/** Lifecycle states of a stream, as in the Go engine's state diagram. WAITING_PUBLISHER is the state on creation. */
public enum StreamState {
    WAITING_PUBLISHER,
    PUBLISHING,
    WAITING_CLOSE,
    CLOSED
}
