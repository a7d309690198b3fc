package io.ringcast.broadcast.hls;

import io.ringcast.broadcast.stream.StreamPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Mirrors one stream's window to disk: {@code dir/app/name/seq.ts} and {@code dir/app/name.m3u8}, each written to
 * a temporary file and renamed atomically, segments deleted as they leave the window. Called by the segmenter
 * thread once per segment; the IO runs on the given executor (a single thread keeps the order, a direct executor
 * runs it inline). The first IO error is logged and disables the mirror for this stream: it never breaks live
 * packaging.
 */
public final class SegmentFiles {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentFiles.class);
    private static final String TEMP_SUFFIX = ".tmp";

    private final Path streamDirectory;
    private final Path playlistFile;
    private final Executor executor;
    private volatile boolean disabled;

    public SegmentFiles(Path root, StreamPath path, Executor executor) {
        this.streamDirectory = root.resolve(path.app()).resolve(path.name());
        this.playlistFile = root.resolve(path.app()).resolve(path.name() + HlsNames.PLAYLIST_SUFFIX);
        this.executor = executor;
    }

    /** Whether an IO error has switched the mirror off. */
    public boolean isDisabled() {
        return disabled;
    }

    public Path segmentFile(long sequence) {
        return streamDirectory.resolve(sequence + HlsNames.SEGMENT_SUFFIX);
    }

    /** Writes the newest segment and playlist of {@code window}, then deletes {@code removed}. */
    public void publish(HlsWindow window, List<HlsSegment> removed) {
        if (disabled) {
            return;
        }
        HlsSegment newest = window.segments().get(window.segments().size() - 1);
        executor.execute(() -> {
            if (disabled) {
                return;
            }
            try {
                Files.createDirectories(streamDirectory);
                writeAtomically(segmentFile(newest.sequence()), newest.bytes());
                writeAtomically(playlistFile, window.playlist());
                for (HlsSegment old : removed) {
                    Files.deleteIfExists(segmentFile(old.sequence()));
                }
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        });
    }

    /** Deletes the playlist and the segments of the last window (stream closed). */
    public void delete(HlsWindow window) {
        if (disabled) {
            return;
        }
        executor.execute(() -> {
            try {
                Files.deleteIfExists(playlistFile);
                for (HlsSegment s : window.segments()) {
                    Files.deleteIfExists(segmentFile(s.sequence()));
                }
                deleteIfEmpty(streamDirectory);
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        });
    }

    private static void deleteIfEmpty(Path directory) throws IOException {
        try {
            Files.deleteIfExists(directory);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // Someone else's files (or a leftover temp file) stay; not an error of ours.
        }
    }

    private void fail(Exception e) {
        if (!disabled) {
            disabled = true;
            LOG.warn("HLS files under {} disabled after an IO error: {}", streamDirectory, e.toString());
        }
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        Files.write(temp, bytes);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
