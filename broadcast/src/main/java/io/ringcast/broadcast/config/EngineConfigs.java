package io.ringcast.broadcast.config;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.BackupConfig;

/**
 * Reads the engine's own sections: {@code [Engine]} (the Go engine's block, as written), {@code [ring]},
 * {@code [limits]}, {@code [backup]}.
 */
public final class EngineConfigs {
    private EngineConfigs() {
    }

    public static EngineConfig engine(ConfigFile file) {
        ConfigSection s = file.section("Engine");
        EngineConfig d = EngineConfig.DEFAULTS;
        return new EngineConfig(
                s.getBoolean("EnableAudio", d.enableAudio()),
                s.getBoolean("EnableVideo", d.enableVideo()),
                s.getSeconds("PublishTimeout", d.publishTimeout()),
                s.getSeconds("AutoCloseDelay", d.autoCloseDelay()),
                s.getBoolean("RTPReorder", d.rtpReorder()),
                s.getSeconds("OnDemandPublishTimeout", d.onDemandPublishTimeout()));
    }

    public static LimitsConfig limits(ConfigFile file) {
        ConfigSection s = file.section("limits");
        LimitsConfig d = LimitsConfig.DEFAULTS;
        return new LimitsConfig(
                s.getInt("max_streams", d.maxStreams(), 1, 1_000_000),
                s.getInt("max_viewers_per_stream", d.maxViewersPerStream(), 1, 10_000_000),
                s.getLong("direct_memory_budget_bytes", d.directMemoryBudgetBytes(), 0, Long.MAX_VALUE),
                s.getLong("no_media_timeout_ms", d.noMediaTimeoutMs(), 1, 3_600_000));
    }

    /** {@code [backup]}: {@code switch_after_ms} (default 1000), when a stream with a backup source switches. */
    public static BackupConfig backup(ConfigFile file) {
        ConfigSection s = file.section("backup");
        return new BackupConfig(s.getLong("switch_after_ms", BackupConfig.DEFAULT_SWITCH_AFTER_MS, 1, 3_600_000));
    }

    public static RingConfig ring(ConfigFile file) {
        ConfigSection s = file.section("ring");
        RingConfig d = RingConfig.DEFAULTS;
        String startAt = s.getString("start_at", d.startAtNextKeyframe() ? "next_keyframe" : "newest_keyframe");
        if (!startAt.equals("next_keyframe") && !startAt.equals("newest_keyframe")) {
            throw s.error("start_at", "must be \"newest_keyframe\" or \"next_keyframe\", is \"" + startAt + "\"");
        }
        try {
            return new RingConfig(
                    s.getInt("video_slots", d.videoSlots(), 16, 1 << 20),
                    s.getInt("audio_slots", d.audioSlots(), 16, 1 << 20),
                    s.getInt("video_payload_bytes", d.videoPayloadBytes(), 4096, 1 << 30),
                    s.getInt("audio_payload_bytes", d.audioPayloadBytes(), 4096, 1 << 30),
                    startAt.equals("next_keyframe"),
                    s.getLong("skip_lag_ms", d.skipLagMs(), 1, 3_600_000),
                    s.getLong("disconnect_lag_ms", d.disconnectLagMs(), 1, 3_600_000));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file.source() + ": [ring] " + e.getMessage());
        }
    }
}
