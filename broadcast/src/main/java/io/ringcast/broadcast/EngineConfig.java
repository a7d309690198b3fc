package io.ringcast.broadcast;

import java.time.Duration;

/**
 * The Go engine's {@code [Engine]} block, loaded as written.
 *
 * @param enableAudio            accept audio tracks; false drops audio everywhere
 * @param enableVideo            accept video tracks; false drops video everywhere
 * @param publishTimeout         how long a stream waits for its publisher (to return) before it closes
 * @param autoCloseDelay         how long an auto-close stream without subscribers lingers before it closes
 * @param rtpReorder             reorder out-of-order RTP packets; accepted for compatibility, used by RTP ingest
 * @param onDemandPublishTimeout how long an on-demand (pulled) stream waits for its publisher
 */
public record EngineConfig(boolean enableAudio, boolean enableVideo, Duration publishTimeout,
                           Duration autoCloseDelay, boolean rtpReorder, Duration onDemandPublishTimeout) {
    public static final EngineConfig DEFAULTS = new EngineConfig(true, true, Duration.ofSeconds(60),
            Duration.ofSeconds(10), false, Duration.ofSeconds(20));

    public EngineConfig {
        requirePositive("PublishTimeout", publishTimeout);
        requirePositive("AutoCloseDelay", autoCloseDelay);
        requirePositive("OnDemandPublishTimeout", onDemandPublishTimeout);
    }

    private static void requirePositive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be positive: " + value.toSeconds() + " s");
        }
    }
}
