package io.ringcast.ingest.relay;

/** Where a relay is in its life; shown in the API. */
public enum RelayState {
    /** Connecting to (or negotiating with) its current upstream or target. */
    CONNECTING,
    /** Media flows. */
    LIVE,
    /** Waiting before the next attempt ({@link RelayView#retryAtEpochMs()}). */
    BACKING_OFF,
    /** Gave up (its stream closed, or every attempt failed within its limits); {@link RelayView#failure()} says why. */
    FAILED,
    /** Stopped by the API or because its stream closed. */
    STOPPED
}
