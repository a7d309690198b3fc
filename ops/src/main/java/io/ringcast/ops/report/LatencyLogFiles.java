package io.ringcast.ops.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The server's latency log files: one per UTC day, {@code latency-YYYY-MM-DD.hlog}, holding the intervals that start
 * on that day. The one naming rule the server (writing, deleting old files) and the reports (choosing files for a
 * time range) share. Pure functions and directory listings; any thread.
 */
public final class LatencyLogFiles {
    static final String PREFIX = "latency-";
    static final String SUFFIX = ".hlog";

    private LatencyLogFiles() {
    }

    /** The file that holds the intervals starting on {@code day} (UTC). */
    public static Path fileFor(Path directory, LocalDate day) {
        return directory.resolve(PREFIX + day + SUFFIX);
    }

    /** The day of a daily file by its name, empty for any other name. */
    public static Optional<LocalDate> dayOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)
                || name.length() != PREFIX.length() + "YYYY-MM-DD".length() + SUFFIX.length()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(name.substring(PREFIX.length(), name.length() - SUFFIX.length())));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The UTC day of an instant in epoch ms. */
    public static LocalDate dayOf(long epochMs) {
        return Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** Every daily file in the directory, oldest day first; none when the directory does not exist. */
    public static List<Path> list(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> entries = Files.list(directory)) {
            entries.filter(f -> dayOf(f).isPresent() && Files.isRegularFile(f)).forEach(files::add);
        }
        files.sort(null);
        return files;
    }

    /** The daily files that may hold intervals starting in {@code [fromMs, toMs)}, oldest first. */
    public static List<Path> forRange(Path directory, long fromMs, long toMs) throws IOException {
        if (fromMs >= toMs) {
            return List.of();
        }
        LocalDate first = dayOf(fromMs);
        LocalDate last = dayOf(toMs - 1);
        return list(directory).stream().filter(f -> {
            LocalDate day = dayOf(f).orElseThrow();
            return !day.isBefore(first) && !day.isAfter(last);
        }).toList();
    }

    /** The daily files of days before {@code keepFrom}: what a retention of days up to {@code keepFrom} deletes. */
    public static List<Path> olderThan(Path directory, LocalDate keepFrom) throws IOException {
        return list(directory).stream().filter(f -> dayOf(f).orElseThrow().isBefore(keepFrom)).toList();
    }
}
