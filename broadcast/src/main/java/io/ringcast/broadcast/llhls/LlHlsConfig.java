package io.ringcast.broadcast.llhls;

/**
 * Configuration of the Low-Latency HLS variant, shared by all streams ({@code [hls]} keys {@code ll_enable},
 * {@code part_duration_ms}, {@code variant}, and the segment keys it shares with MPEG-TS HLS:
 * {@code segment_duration_ms}, {@code window_segments}, {@code segment_max_age_s}). Immutable; any thread.
 *
 * @param enabled              whether streams are packaged as LL-HLS too
 * @param partDurationMs       PART-TARGET: a part is closed before it would grow longer than this
 * @param fmp4ByDefault        whether {@code /app/name.m3u8} answers the LL-HLS playlist (else the MPEG-TS one; the
 *                             other variant stays at its own URL)
 * @param targetDurationMs     a segment is cut at the first keyframe at least this long after its start
 * @param windowSegments       complete segments the playlist lists (and memory keeps)
 * @param segmentMaxAgeSeconds {@code Cache-Control: max-age} of init segments, segments and parts
 */
public record LlHlsConfig(boolean enabled, long partDurationMs, boolean fmp4ByDefault, long targetDurationMs,
                          int windowSegments, int segmentMaxAgeSeconds) {
    public static final long DEFAULT_PART_DURATION_MS = 200;
    public static final long MIN_PART_DURATION_MS = 50;
    public static final long MAX_PART_DURATION_MS = 2_000;
    public static final long DEFAULT_TARGET_DURATION_MS = 2_000;
    public static final int DEFAULT_WINDOW_SEGMENTS = 6;
    public static final int DEFAULT_SEGMENT_MAX_AGE_SECONDS = 60;
    private static final long MIN_TARGET_DURATION_MS = 100;
    private static final long MAX_TARGET_DURATION_MS = 60_000;

    public LlHlsConfig {
        if (partDurationMs < MIN_PART_DURATION_MS || partDurationMs > MAX_PART_DURATION_MS) {
            throw new IllegalArgumentException("partDurationMs must be " + MIN_PART_DURATION_MS + ".."
                    + MAX_PART_DURATION_MS + ": " + partDurationMs);
        }
        if (targetDurationMs < MIN_TARGET_DURATION_MS || targetDurationMs > MAX_TARGET_DURATION_MS) {
            throw new IllegalArgumentException("targetDurationMs must be " + MIN_TARGET_DURATION_MS + ".."
                    + MAX_TARGET_DURATION_MS + ": " + targetDurationMs);
        }
        if (windowSegments < 1) {
            throw new IllegalArgumentException("windowSegments must be positive: " + windowSegments);
        }
        if (segmentMaxAgeSeconds < 0) {
            throw new IllegalArgumentException("segmentMaxAgeSeconds must not be negative: " + segmentMaxAgeSeconds);
        }
    }

    /** On, 200 ms parts, MPEG-TS at {@code .m3u8}; 2 s segments, 6 in the window. */
    public static LlHlsConfig defaults() {
        return new LlHlsConfig(true, DEFAULT_PART_DURATION_MS, false, DEFAULT_TARGET_DURATION_MS,
                DEFAULT_WINDOW_SEGMENTS, DEFAULT_SEGMENT_MAX_AGE_SECONDS);
    }

    public LlHlsConfig withPartDurationMs(long ms) {
        return new LlHlsConfig(enabled, ms, fmp4ByDefault, targetDurationMs, windowSegments, segmentMaxAgeSeconds);
    }

    public LlHlsConfig withTargetDurationMs(long ms) {
        return new LlHlsConfig(enabled, partDurationMs, fmp4ByDefault, ms, windowSegments, segmentMaxAgeSeconds);
    }
}
