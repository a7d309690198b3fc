package io.ringcast.broadcast.record;

import io.ringcast.broadcast.config.ConfigSection;

import java.nio.file.Path;

/**
 * Configuration of recording, section {@code [record]}, shared by all recordings. Immutable; any thread.
 *
 * @param directory        recordings go to {@code directory/app/name/yyyyMMdd'T'HHmmss'Z'.flv}
 * @param rules            which streams are recorded when they start
 * @param maxDurationMs    a file is rotated at the first keyframe (audio-only: audio frame) at least this long
 *                         after its start
 * @param maxSizeBytes     a file is rotated at the first keyframe after it reached this size
 * @param flushIntervalMs  buffered tags are handed to the writer and forced to disk at the first frame at least
 *                         this long after the previous hand-over: what a crash may lose
 * @param writeBufferBytes per recording, the memory that may wait for the disk; when the writer falls this far
 *                         behind the recording stops instead of slowing the publisher. A multiple of
 *                         {@link #CHUNK_BYTES}
 */
public record RecordConfig(Path directory, StreamRules rules, long maxDurationMs, long maxSizeBytes,
                           long flushIntervalMs, int writeBufferBytes) {
    public static final String DEFAULT_DIRECTORY = "recordings";
    public static final long DEFAULT_MAX_DURATION_S = 3_600;
    public static final long DEFAULT_MAX_SIZE_BYTES = 1L << 30;
    public static final long DEFAULT_FLUSH_INTERVAL_MS = 1_000;
    /** Size of one pooled chunk of the queue to the writer thread. */
    public static final int CHUNK_BYTES = 256 * 1024;
    public static final int DEFAULT_WRITE_BUFFER_BYTES = 16 * CHUNK_BYTES;
    /** One chunk being filled while another is written. */
    public static final int MIN_WRITE_BUFFER_BYTES = 2 * CHUNK_BYTES;
    public static final int MAX_WRITE_BUFFER_BYTES = 1 << 30;
    private static final long MAX_DURATION_LIMIT_S = 7 * 24 * 3_600;
    private static final long MIN_SIZE_BYTES = 64 * 1024;
    private static final long MAX_FLUSH_INTERVAL_MS = 60_000;

    public RecordConfig {
        if (directory == null || directory.toString().isEmpty()) {
            throw new IllegalArgumentException("directory must not be empty");
        }
        if (maxDurationMs < 1_000 || maxDurationMs > MAX_DURATION_LIMIT_S * 1_000) {
            throw new IllegalArgumentException("maxDurationMs must be 1000.." + MAX_DURATION_LIMIT_S * 1_000 + ": "
                    + maxDurationMs);
        }
        if (maxSizeBytes < MIN_SIZE_BYTES) {
            throw new IllegalArgumentException("maxSizeBytes must be at least " + MIN_SIZE_BYTES + ": "
                    + maxSizeBytes);
        }
        if (flushIntervalMs < 1 || flushIntervalMs > MAX_FLUSH_INTERVAL_MS) {
            throw new IllegalArgumentException("flushIntervalMs must be 1.." + MAX_FLUSH_INTERVAL_MS + ": "
                    + flushIntervalMs);
        }
        if (writeBufferBytes < MIN_WRITE_BUFFER_BYTES || writeBufferBytes % CHUNK_BYTES != 0) {
            throw new IllegalArgumentException("writeBufferBytes must be a multiple of " + CHUNK_BYTES
                    + " and at least " + MIN_WRITE_BUFFER_BYTES + ": " + writeBufferBytes);
        }
    }

    /** {@code recordings/}, every stream, hourly files of at most 1 GiB, forced every second, 4 MiB buffer. */
    public static RecordConfig defaults() {
        return new RecordConfig(Path.of(DEFAULT_DIRECTORY), StreamRules.all(), DEFAULT_MAX_DURATION_S * 1_000,
                DEFAULT_MAX_SIZE_BYTES, DEFAULT_FLUSH_INTERVAL_MS, DEFAULT_WRITE_BUFFER_BYTES);
    }

    /** Reads the keys of {@code [record]} except {@code enable}; each error names its key and line. */
    public static RecordConfig read(ConfigSection s) {
        String directory = s.getString("directory", DEFAULT_DIRECTORY);
        if (directory.isBlank()) {
            throw s.error("directory", "must not be empty");
        }
        StreamRules rules = new StreamRules(patterns(s, "include", StreamRules.ALL), patterns(s, "exclude", ""));
        long maxDurationS = s.getLong("max_duration_s", DEFAULT_MAX_DURATION_S, 1, MAX_DURATION_LIMIT_S);
        long maxSizeBytes = s.getLong("max_size_bytes", DEFAULT_MAX_SIZE_BYTES, MIN_SIZE_BYTES, Long.MAX_VALUE);
        long flushIntervalMs = s.getLong("flush_interval_ms", DEFAULT_FLUSH_INTERVAL_MS, 1, MAX_FLUSH_INTERVAL_MS);
        int writeBufferBytes = s.getInt("write_buffer_bytes", DEFAULT_WRITE_BUFFER_BYTES, MIN_WRITE_BUFFER_BYTES,
                MAX_WRITE_BUFFER_BYTES);
        if (writeBufferBytes % CHUNK_BYTES != 0) {
            throw s.error("write_buffer_bytes", "must be a multiple of " + CHUNK_BYTES + ", is " + writeBufferBytes);
        }
        return new RecordConfig(Path.of(directory), rules, maxDurationS * 1_000, maxSizeBytes, flushIntervalMs,
                writeBufferBytes);
    }

    private static java.util.List<String> patterns(ConfigSection s, String key, String defaultValue) {
        try {
            return new StreamRules(StreamRules.split(s.getString(key, defaultValue)), java.util.List.of()).include();
        } catch (IllegalArgumentException e) {
            throw s.error(key, e.getMessage());
        }
    }

    /** Pooled chunks per recording. */
    public int chunkCount() {
        return writeBufferBytes / CHUNK_BYTES;
    }

    public RecordConfig withDirectory(Path dir) {
        return new RecordConfig(dir, rules, maxDurationMs, maxSizeBytes, flushIntervalMs, writeBufferBytes);
    }

    public RecordConfig withMaxDurationMs(long ms) {
        return new RecordConfig(directory, rules, ms, maxSizeBytes, flushIntervalMs, writeBufferBytes);
    }

    public RecordConfig withMaxSizeBytes(long bytes) {
        return new RecordConfig(directory, rules, maxDurationMs, bytes, flushIntervalMs, writeBufferBytes);
    }

    public RecordConfig withWriteBufferBytes(int bytes) {
        return new RecordConfig(directory, rules, maxDurationMs, maxSizeBytes, flushIntervalMs, bytes);
    }
}
