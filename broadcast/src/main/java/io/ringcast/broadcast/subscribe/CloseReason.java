package io.ringcast.broadcast.subscribe;

/** Why a subscription ended. */
public enum CloseReason {
    /** The viewer went away or asked to stop. */
    VIEWER_LEFT,
    /** The viewer's connection failed on write. */
    WRITE_FAILED,
    /** The viewer stayed behind longer than the configured lag. */
    TOO_SLOW,
    /** The stream closed (no publisher came back, or it was closed by an operator). */
    STREAM_CLOSED,
    /** The server is shutting down. */
    SHUTDOWN
}
