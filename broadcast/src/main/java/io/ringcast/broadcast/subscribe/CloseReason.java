package io.ringcast.broadcast.subscribe;

/** Why a subscription ended. */
public enum CloseReason {
    /** The viewer went away or asked to stop. */
    VIEWER_LEFT,
    /** The viewer's connection failed on write. */
    WRITE_FAILED,
    /** The viewer stayed behind longer than the configured lag. */
    TOO_SLOW,
    /**
     * The producer overwrote a frame while it was being written to the viewer from the ring (the viewer was half a
     * ring behind when the write began and the producer reserved the other half meanwhile): its bytes may be torn.
     */
    OVERWRITTEN_MID_WRITE,
    /** The stream closed (no publisher came back, or it was closed by an operator). */
    STREAM_CLOSED,
    /** The server is shutting down. */
    SHUTDOWN
}
