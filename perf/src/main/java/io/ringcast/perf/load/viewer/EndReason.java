package io.ringcast.perf.load.viewer;

/** How a viewer connection ended. */
public enum EndReason {
    /** Still connected when the run ended; the load generator closed it. */
    OPEN_AT_END,
    /** The server closed the connection (end of stream). */
    CLOSED_BY_SERVER,
    /** The connection failed with an I/O error after connecting (e.g. reset by the server). */
    RESET,
    /** TCP connect failed. */
    CONNECT_FAILED,
    /** The server refused the stream (HTTP status other than 200, RTMP _error or an error onStatus). */
    REFUSED,
    /** The bytes broke HTTP, FLV or RTMP framing. */
    PROTOCOL_ERROR,
    /** A late joiner received its first keyframe and left. */
    FIRST_KEYFRAME,
    /** A late joiner did not receive a keyframe in time. */
    TIMED_OUT
}
