package io.ringcast.perf.load.viewer;

/**
 * Per-run settings of viewer connections. Immutable.
 *
 * @param slowReceiveBufferBytes SO_RCVBUF of stalled and trickle viewers, set before connect so the TCP window
 *                               stays small
 * @param trickleBytesPerSecond  the most a trickle viewer reads per second
 * @param lateJoinTimeoutNs      how long a late joiner waits for its first keyframe
 * @param readMode               how much each read asks for
 */
public record ViewerSettings(int slowReceiveBufferBytes, long trickleBytesPerSecond, long lateJoinTimeoutNs,
                             ReadMode readMode) {
    public ViewerSettings {
        if (slowReceiveBufferBytes <= 0 || trickleBytesPerSecond <= 0 || lateJoinTimeoutNs <= 0) {
            throw new IllegalArgumentException("viewer settings must be positive: " + slowReceiveBufferBytes + ", "
                    + trickleBytesPerSecond + ", " + lateJoinTimeoutNs);
        }
        if (readMode == null) {
            throw new IllegalArgumentException("readMode must not be null");
        }
    }
}
