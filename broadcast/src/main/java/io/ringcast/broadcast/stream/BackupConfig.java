package io.ringcast.broadcast.stream;

/**
 * The {@code [backup]} section: when a stream with a backup source switches to it.
 *
 * @param switchAfterMs how long the primary must deliver no frame before viewers switch to the backup (at the
 *                      backup's next keyframe); they switch back at the primary's next keyframe once it delivers
 */
public record BackupConfig(long switchAfterMs) {
    public static final long DEFAULT_SWITCH_AFTER_MS = 1_000;
    public static final BackupConfig DEFAULTS = new BackupConfig(DEFAULT_SWITCH_AFTER_MS);

    public BackupConfig {
        if (switchAfterMs < 1) {
            throw new IllegalArgumentException("switch_after_ms must be positive: " + switchAfterMs);
        }
    }
}
