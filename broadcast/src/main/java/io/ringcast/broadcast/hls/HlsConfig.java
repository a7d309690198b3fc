package io.ringcast.broadcast.hls;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Configuration of HLS packaging, shared by all streams. Immutable; any thread.
 *
 * @param targetDurationMs            a segment is cut at the first video keyframe (or, audio-only, the first
 *                                    audio frame) at least this long after its start
 * @param windowSegments              how many complete segments a playlist lists (and memory keeps)
 * @param directory                   when present, segments are also written to
 *                                    {@code directory/app/name/seq.ts} (and the playlist to
 *                                    {@code directory/app/name.m3u8})
 * @param segmentMaxAgeSeconds        {@code Cache-Control: max-age} of segments (they never change)
 * @param initialSegmentCapacityBytes first size of each stream's reused segment buffer; it grows as needed
 */
public record HlsConfig(long targetDurationMs, int windowSegments, Optional<Path> directory,
                        int segmentMaxAgeSeconds, int initialSegmentCapacityBytes) {
    public static final long DEFAULT_TARGET_DURATION_MS = 2_000;
    public static final int DEFAULT_WINDOW_SEGMENTS = 6;
    public static final int DEFAULT_SEGMENT_MAX_AGE_SECONDS = 60;
    public static final int DEFAULT_INITIAL_SEGMENT_CAPACITY_BYTES = 1 << 20;
    /** RFC 8216 6.2.2: a live playlist should list at least three target durations of segments. */
    public static final int MIN_WINDOW_SEGMENTS = 3;

    public HlsConfig {
        if (targetDurationMs < 100 || targetDurationMs > 60_000) {
            throw new IllegalArgumentException("targetDurationMs must be 100..60000: " + targetDurationMs);
        }
        if (windowSegments < MIN_WINDOW_SEGMENTS) {
            throw new IllegalArgumentException("windowSegments must be at least " + MIN_WINDOW_SEGMENTS + ": "
                    + windowSegments);
        }
        if (segmentMaxAgeSeconds < 0) {
            throw new IllegalArgumentException("segmentMaxAgeSeconds must not be negative: " + segmentMaxAgeSeconds);
        }
        if (initialSegmentCapacityBytes < TsPacketWriter.PACKET_LENGTH) {
            throw new IllegalArgumentException("initialSegmentCapacityBytes must be at least one TS packet: "
                    + initialSegmentCapacityBytes);
        }
        directory = directory == null ? Optional.empty() : directory;
    }

    /** 2 s segments, 6 in the window, memory only. */
    public static HlsConfig defaults() {
        return new HlsConfig(DEFAULT_TARGET_DURATION_MS, DEFAULT_WINDOW_SEGMENTS, Optional.empty(),
                DEFAULT_SEGMENT_MAX_AGE_SECONDS, DEFAULT_INITIAL_SEGMENT_CAPACITY_BYTES);
    }

    public HlsConfig withTargetDurationMs(long ms) {
        return new HlsConfig(ms, windowSegments, directory, segmentMaxAgeSeconds, initialSegmentCapacityBytes);
    }

    public HlsConfig withWindowSegments(int segments) {
        return new HlsConfig(targetDurationMs, segments, directory, segmentMaxAgeSeconds, initialSegmentCapacityBytes);
    }

    public HlsConfig withDirectory(Path dir) {
        return new HlsConfig(targetDurationMs, windowSegments, Optional.of(dir), segmentMaxAgeSeconds,
                initialSegmentCapacityBytes);
    }
}
