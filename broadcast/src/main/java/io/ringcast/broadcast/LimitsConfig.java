package io.ringcast.broadcast;

/**
 * Engine-wide limits ({@code [limits]} section): how many streams may exist and how many viewers one stream may
 * have. Hitting one refuses the newcomer with a reason; everybody already accepted carries on.
 *
 * @param maxStreams          streams at once (publishing or waiting for their publisher)
 * @param maxViewersPerStream live viewers (HTTP-FLV, RTMP) of one stream
 */
public record LimitsConfig(int maxStreams, int maxViewersPerStream) {
    public static final LimitsConfig DEFAULTS = new LimitsConfig(1_000, 10_000);

    public LimitsConfig {
        if (maxStreams < 1) {
            throw new IllegalArgumentException("max_streams must be positive: " + maxStreams);
        }
        if (maxViewersPerStream < 1) {
            throw new IllegalArgumentException("max_viewers_per_stream must be positive: " + maxViewersPerStream);
        }
    }
}
