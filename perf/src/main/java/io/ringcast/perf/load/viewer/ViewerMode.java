package io.ringcast.perf.load.viewer;

/** How a viewer reads what the server sends. */
public enum ViewerMode {
    /** Reads everything as fast as it comes. */
    HEALTHY(""),
    /** Sends its request (RTMP: play), then never reads again: its TCP window closes. */
    STALLED("-stalled"),
    /** Reads at most a fixed number of bytes per second. */
    TRICKLE("-trickle"),
    /** Joins after warm-up and leaves once its first keyframe has arrived, to time joining. */
    LATE_JOIN("-late");

    private final String suffix;

    ViewerMode(String suffix) {
        this.suffix = suffix;
    }

    /** The group name of viewers of this mode over {@code protocol}, e.g. {@code rtmp-stalled}. */
    public String groupName(Protocol protocol) {
        return protocol.id() + suffix;
    }

    /** Whether the mode reads slower than the stream arrives (small receive buffer, server close expected). */
    public boolean isSlow() {
        return this == STALLED || this == TRICKLE;
    }
}
