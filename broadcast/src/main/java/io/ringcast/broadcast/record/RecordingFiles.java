package io.ringcast.broadcast.record;

import io.ringcast.broadcast.stream.StreamPath;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Names and creates one stream's recording files: {@code directory/app/name/20261121T093000Z.flv}, the UTC time
 * the file starts, with {@code -1}, {@code -2}, ... before the extension when that name is taken. Writer thread.
 */
final class RecordingFiles {
    static final String EXTENSION = ".flv";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    /** Files one stream may start within the same second before the name search gives up. */
    private static final int MAX_SUFFIX = 1_000;

    private final Path streamDirectory;
    private final ChannelOpener opener;

    RecordingFiles(Path directory, StreamPath path, ChannelOpener opener) {
        // StreamPath parts are validated file-name safe: no separators, never "." or "..".
        this.streamDirectory = directory.resolve(path.app()).resolve(path.name());
        this.opener = opener;
    }

    /** A new file and its channel. */
    record OpenFile(Path path, FileChannel channel) {
    }

    Path streamDirectory() {
        return streamDirectory;
    }

    /** The file name for a start time, without a suffix. */
    static String stamp(long epochMs) {
        return STAMP.format(Instant.ofEpochMilli(epochMs));
    }

    /**
     * Creates the stream's directory if needed and a new file named for {@code startEpochMs}; never overwrites.
     *
     * @throws IOException from the file system, naming the path it failed on
     */
    OpenFile create(long startEpochMs) throws IOException {
        Files.createDirectories(streamDirectory);
        String stamp = stamp(startEpochMs);
        for (int suffix = 0; suffix <= MAX_SUFFIX; suffix++) {
            Path file = streamDirectory.resolve(suffix == 0 ? stamp + EXTENSION : stamp + "-" + suffix + EXTENSION);
            try {
                return new OpenFile(file, opener.createNew(file));
            } catch (FileAlreadyExistsException e) {
                // Taken (a rotation or reconnect within the same second): try the next suffix.
            }
        }
        throw new FileAlreadyExistsException(streamDirectory.resolve(stamp + EXTENSION).toString(), null,
                "and " + MAX_SUFFIX + " suffixed names exist");
    }
}
