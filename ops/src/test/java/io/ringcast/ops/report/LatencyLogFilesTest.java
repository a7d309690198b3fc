package io.ringcast.ops.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LatencyLogFilesTest {
    @TempDir
    Path dir;

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private List<String> names(List<Path> files) {
        return files.stream().map(f -> f.getFileName().toString()).toList();
    }

    @Test
    void shouldNameOneFilePerUtcDayAndReadTheDayBack() {
        Path file = LatencyLogFiles.fileFor(dir, LocalDate.parse("2024-03-01"));
        assertEquals(dir.resolve("latency-2024-03-01.hlog"), file);
        assertEquals(Optional.of(LocalDate.parse("2024-03-01")), LatencyLogFiles.dayOf(file));
        assertEquals(Optional.empty(), LatencyLogFiles.dayOf(Path.of("latency-2024-3-1.hlog")));
        assertEquals(Optional.empty(), LatencyLogFiles.dayOf(Path.of("latency-2024-02-30.hlog")));
        assertEquals(Optional.empty(), LatencyLogFiles.dayOf(Path.of("other-2024-03-01.hlog")));
        assertEquals(LocalDate.parse("2024-02-29"), LatencyLogFiles.dayOf(at("2024-02-29T23:59:59.999Z")));
    }

    @Test
    void shouldPickTheDailyFilesARangeTouches() throws IOException {
        for (String day : List.of("2024-02-28", "2024-02-29", "2024-03-01", "2024-03-02")) {
            Files.writeString(LatencyLogFiles.fileFor(dir, LocalDate.parse(day)), "");
        }
        Files.writeString(dir.resolve("latency-2024-03-01.hlog.tmp"), "");

        assertEquals(List.of("latency-2024-02-29.hlog", "latency-2024-03-01.hlog"), names(LatencyLogFiles.forRange(
                dir, at("2024-02-29T23:00:00Z"), at("2024-03-02T00:00:00Z"))), "to is exclusive");
        assertEquals(List.of("latency-2024-03-02.hlog"), names(LatencyLogFiles.forRange(dir,
                at("2024-03-02T10:00:00Z"), at("2024-03-02T11:00:00Z"))));
        assertEquals(List.of(), LatencyLogFiles.forRange(dir, at("2024-03-02T10:00:00Z"), at("2024-03-02T10:00:00Z")));
        assertEquals(List.of(), LatencyLogFiles.forRange(dir.resolve("missing"), 0, Long.MAX_VALUE));
        assertEquals(List.of("latency-2024-02-28.hlog", "latency-2024-02-29.hlog"),
                names(LatencyLogFiles.olderThan(dir, LocalDate.parse("2024-03-01"))));
    }
}
