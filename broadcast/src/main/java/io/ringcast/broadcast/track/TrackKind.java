package io.ringcast.broadcast.track;

/** The kind of media a track carries; a stream has at most one track of each. */
public enum TrackKind {
    VIDEO,
    AUDIO
}
