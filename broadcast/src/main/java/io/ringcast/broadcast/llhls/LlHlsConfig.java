package io.ringcast.broadcast.llhls;

/**
 * Configuration of the Low-Latency HLS variant, shared by all streams ({@code [hls]} keys {@code ll_enable},
 * {@code part_duration_ms}, {@code variant}); segment target duration and window come from the MPEG-TS variant's
 * {@link io.ringcast.broadcast.hls.HlsConfig}. Immutable; any thread.
 *
 * @param enabled         whether streams are packaged as LL-HLS too
 * @param partDurationMs  PART-TARGET: a part is closed before it would grow longer than this
 * @param fmp4ByDefault   whether {@code /app/name.m3u8} answers the LL-HLS playlist (else the MPEG-TS one; the
 *                        other variant stays at its own URL)
 */
public record LlHlsConfig(boolean enabled, long partDurationMs, boolean fmp4ByDefault) {
    public static final long DEFAULT_PART_DURATION_MS = 200;
    public static final long MIN_PART_DURATION_MS = 50;
    public static final long MAX_PART_DURATION_MS = 2_000;

    public LlHlsConfig {
        if (partDurationMs < MIN_PART_DURATION_MS || partDurationMs > MAX_PART_DURATION_MS) {
            throw new IllegalArgumentException("partDurationMs must be " + MIN_PART_DURATION_MS + ".."
                    + MAX_PART_DURATION_MS + ": " + partDurationMs);
        }
    }

    /** On, 200 ms parts, MPEG-TS at {@code .m3u8}. */
    public static LlHlsConfig defaults() {
        return new LlHlsConfig(true, DEFAULT_PART_DURATION_MS, false);
    }

    public LlHlsConfig withPartDurationMs(long ms) {
        return new LlHlsConfig(enabled, ms, fmp4ByDefault);
    }
}
