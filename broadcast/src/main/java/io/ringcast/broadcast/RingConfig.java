package io.ringcast.broadcast;

import org.agrona.BitUtil;

/**
 * Sizes of the per-track rings and the slow-subscriber policy ({@code [ring]} section).
 *
 * @param videoSlots             descriptor slots of a video ring (power of two)
 * @param audioSlots             descriptor slots of an audio ring (power of two)
 * @param videoPayloadBytes      payload bytes of a video ring (power of two); one frame may use half of it
 * @param audioPayloadBytes      payload bytes of an audio ring (power of two); one frame may use half of it
 * @param startAtNextKeyframe    new subscribers wait for the next keyframe instead of starting at the newest one
 * @param skipLagMs              a subscriber whose next frame is older than this skips to the newest keyframe
 * @param disconnectLagMs        a subscriber that stays behind (or cannot write) this long is disconnected
 */
public record RingConfig(int videoSlots, int audioSlots, int videoPayloadBytes, int audioPayloadBytes,
                         boolean startAtNextKeyframe, long skipLagMs, long disconnectLagMs) {
    public static final RingConfig DEFAULTS = new RingConfig(1024, 1024, 16 << 20, 1 << 20, false, 1_000, 5_000);

    public RingConfig {
        requirePowerOfTwo("video_slots", videoSlots, 16);
        requirePowerOfTwo("audio_slots", audioSlots, 16);
        requirePowerOfTwo("video_payload_bytes", videoPayloadBytes, 4096);
        requirePowerOfTwo("audio_payload_bytes", audioPayloadBytes, 4096);
        if (skipLagMs <= 0) {
            throw new IllegalArgumentException("skip_lag_ms must be positive: " + skipLagMs);
        }
        if (disconnectLagMs < skipLagMs) {
            throw new IllegalArgumentException("disconnect_lag_ms (" + disconnectLagMs
                    + ") must not be below skip_lag_ms (" + skipLagMs + ")");
        }
    }

    private static void requirePowerOfTwo(String key, int value, int min) {
        if (value < min || !BitUtil.isPowerOfTwo(value)) {
            throw new IllegalArgumentException(key + " must be a power of two >= " + min + ": " + value);
        }
    }
}
