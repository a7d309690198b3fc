package io.ringcast.broadcast;

/**
 * Engine-wide limits ({@code [limits]} section): how many streams may exist, how many viewers one stream may have,
 * how much direct memory the streams' rings may take and how long a stream may go without media. Hitting one
 * refuses (or ends) the newcomer with a reason; everybody already accepted carries on.
 *
 * @param maxStreams               streams at once (publishing or waiting for their publisher); the engine lowers it
 *                                 to what the direct memory budget holds (see {@link DirectMemoryBudget})
 * @param maxViewersPerStream      live viewers (HTTP-FLV, RTMP) of one stream
 * @param directMemoryBudgetBytes  direct memory the track rings of all streams may take; 0 derives it from the
 *                                 JVM's direct memory limit, less a margin
 * @param noMediaTimeoutMs         a stream that received no audio or video frame this long after it was created is
 *                                 closed (its publisher with it), instead of waiting for PublishTimeout
 */
public record LimitsConfig(int maxStreams, int maxViewersPerStream, long directMemoryBudgetBytes,
                           long noMediaTimeoutMs) {
    public static final long DEFAULT_NO_MEDIA_TIMEOUT_MS = 5_000;
    public static final LimitsConfig DEFAULTS = new LimitsConfig(1_000, 10_000, 0, DEFAULT_NO_MEDIA_TIMEOUT_MS);

    public LimitsConfig {
        if (maxStreams < 1) {
            throw new IllegalArgumentException("max_streams must be positive: " + maxStreams);
        }
        if (maxViewersPerStream < 1) {
            throw new IllegalArgumentException("max_viewers_per_stream must be positive: " + maxViewersPerStream);
        }
        if (directMemoryBudgetBytes < 0) {
            throw new IllegalArgumentException("direct_memory_budget_bytes must not be negative (0 derives it): "
                    + directMemoryBudgetBytes);
        }
        if (noMediaTimeoutMs < 1) {
            throw new IllegalArgumentException("no_media_timeout_ms must be positive: " + noMediaTimeoutMs);
        }
    }

    /** Stream and viewer limits; the direct memory budget derived, the default no-media timeout. */
    public LimitsConfig(int maxStreams, int maxViewersPerStream) {
        this(maxStreams, maxViewersPerStream, 0, DEFAULT_NO_MEDIA_TIMEOUT_MS);
    }
}
