package io.ringcast.ops.latencylog;

import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ops.report.LatencyLogFiles;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interval log writer fed directly, as the engine's housekeeping thread would. */
@Timeout(30)
class LatencyLogWriterTest {
    private static final StreamPath CAM = StreamPath.parse("live/cam");
    private static final StreamPath TWO = StreamPath.parse("live/two");
    private static final long DAY_START_MS = Instant.parse("2024-03-01T00:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    /** A one-second interval starting {@code startMs} holding {@code count} values of {@code valueNs}. */
    private static Histogram interval(long startMs, long valueNs, int count) {
        Histogram h = new Histogram(1, 60_000_000_000L, 3);
        if (count > 0) {
            h.recordValueWithCount(valueNs, count);
        }
        h.setStartTimeStamp(startMs);
        h.setEndTimeStamp(startMs + 1_000);
        return h;
    }

    private static List<Histogram> read(Path file) throws IOException {
        List<Histogram> out = new ArrayList<>();
        try (HistogramLogReader reader = new HistogramLogReader(file.toFile())) {
            for (EncodableHistogram h = reader.nextIntervalHistogram(); h != null; h = reader.nextIntervalHistogram()) {
                out.add((Histogram) h);
            }
        }
        return out;
    }

    @Test
    void shouldWriteOneHistogramPerTagPerWindowWithTheStandardHeader() throws IOException {
        LatencyLogWriter writer = new LatencyLogWriter(new LatencyLogConfig(dir, 10, 0));
        long t0 = DAY_START_MS + 3_600_000;
        for (int s = 0; s < 20; s++) {
            writer.onInterval(CAM, "httpflv", interval(t0 + s * 1_000L, 200_000 + s, 10));
            writer.onInterval(CAM, "rtmp", interval(t0 + s * 1_000L, 300_000, s < 10 ? 0 : 5));
        }
        writer.onInterval(CAM, "httpflv", interval(t0 + 20_000, 1, 1));

        Path file = LatencyLogFiles.fileFor(dir, LocalDate.parse("2024-03-01"));
        assertEquals(dir.resolve("latency-2024-03-01.hlog"), file);
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("#[Histogram log format version 1.3]"), text);
        assertTrue(text.contains("#[StartTime: " + (t0 / 1000) + ".000 (seconds since epoch)"), text);
        assertTrue(text.contains("#[BaseTime: " + (t0 / 1000) + ".000 (seconds since epoch)]"), text);
        assertTrue(text.contains(
                "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\""), text);
        List<Histogram> logged = read(file);
        assertEquals(List.of("live/cam/httpflv", "live/cam/httpflv", "live/cam/rtmp"),
                logged.stream().map(Histogram::getTag).toList(), "window 1 has no rtmp counts; window 3 is pending");
        assertEquals(100, logged.get(0).getTotalCount());
        assertEquals(t0, logged.get(0).getStartTimeStamp());
        assertEquals(t0 + 10_000, logged.get(0).getEndTimeStamp());
        assertEquals(200_009.0, (double) logged.get(0).getMaxValue(), 200.0);
        assertEquals(logged.get(0).highestEquivalentValue(200_009), logged.get(0).getMaxValue());
        assertEquals(t0 + 10_000, logged.get(1).getStartTimeStamp());
        assertEquals(50, logged.get(2).getTotalCount());
        assertEquals(logged.get(2).highestEquivalentValue(300_000), logged.get(2).getMaxValue());

        writer.close();
        List<Histogram> afterClose = read(file);
        assertEquals(4, afterClose.size(), "close writes the pending window");
        assertEquals(1, afterClose.get(3).getTotalCount());
        writer.onInterval(CAM, "httpflv", interval(t0 + 40_000, 1, 1));
        assertEquals(4, read(file).size(), "nothing after close");
    }

    @Test
    void shouldStartANewFileForTheWindowsOfTheNextUtcDay() throws IOException {
        LatencyLogWriter writer = new LatencyLogWriter(new LatencyLogConfig(dir, 10, 0));
        long start = DAY_START_MS + 86_400_000 - 20_000;
        for (int s = 0; s < 40; s++) {
            writer.onInterval(CAM, "httpflv", interval(start + s * 1_000L, 100_000, 1));
            writer.onInterval(TWO, "hls-segment", interval(start + s * 1_000L, 900_000_000, 1));
        }
        writer.close();

        List<Histogram> first = read(dir.resolve("latency-2024-03-01.hlog"));
        List<Histogram> second = read(dir.resolve("latency-2024-03-02.hlog"));
        assertEquals(4, first.size());
        assertEquals(4, second.size());
        assertTrue(first.stream().allMatch(h -> h.getEndTimeStamp() <= DAY_START_MS + 86_400_000));
        assertTrue(second.stream().allMatch(h -> h.getStartTimeStamp() >= DAY_START_MS + 86_400_000));
        assertEquals("live/two/hls-segment", second.get(1).getTag());
        assertEquals(10, second.get(1).getTotalCount());
        assertTrue(Files.readString(dir.resolve("latency-2024-03-02.hlog")).startsWith("#[Histogram log format"));
    }

    @Test
    void shouldAppendWithAFreshHeaderWhenRestartedOnTheSameDay() throws IOException {
        for (int run = 0; run < 2; run++) {
            LatencyLogWriter writer = new LatencyLogWriter(new LatencyLogConfig(dir, 1, 0));
            long start = DAY_START_MS + run * 3_600_000L;
            writer.onInterval(CAM, "rtmp", interval(start, 5_000, 3));
            writer.close();
        }

        List<Histogram> logged = read(dir.resolve("latency-2024-03-01.hlog"));
        assertEquals(2, logged.size());
        assertEquals(DAY_START_MS, logged.get(0).getStartTimeStamp());
        assertEquals(DAY_START_MS + 3_600_000L, logged.get(1).getStartTimeStamp(), "second base time applies");
    }

    @Test
    void shouldTurnItselfOffWhenTheFileCannotBeWritten() throws IOException {
        Files.createDirectory(dir.resolve("latency-2024-03-01.hlog"));
        LatencyLogWriter writer = new LatencyLogWriter(new LatencyLogConfig(dir, 1, 0));

        writer.onInterval(CAM, "rtmp", interval(DAY_START_MS, 5_000, 3));
        writer.onInterval(CAM, "rtmp", interval(DAY_START_MS + 1_000, 5_000, 3));
        writer.onInterval(CAM, "rtmp", interval(DAY_START_MS + 86_400_000, 5_000, 3));
        writer.close();

        assertFalse(Files.exists(dir.resolve("latency-2024-03-02.hlog")), "off after the first failure");
    }

    @Test
    void shouldBeOffByDefaultAndNameABadKey() {
        LatencyLogPlugin plugin = new LatencyLogPlugin();
        plugin.configure(ConfigFile.empty().section("latency_log"));
        assertFalse(plugin.enabled());
        assertEquals(LatencyLogConfig.defaults(), plugin.config());

        plugin.configure(ConfigFile.parse("""
                [latency_log]
                enable = true
                directory = "x"
                interval_s = 60
                retain_days = 0
                """, "t.toml").section("latency_log"));
        assertTrue(plugin.enabled());
        assertEquals(new LatencyLogConfig(Path.of("x"), 60, 0), plugin.config());
        assertEquals(30, LatencyLogConfig.defaults().retainDays());

        ConfigException e = assertThrows(ConfigException.class, () -> plugin.configure(
                ConfigFile.parse("[latency_log]\ninterval_s = 0\n", "t.toml").section("latency_log")));
        assertTrue(e.getMessage().contains("t.toml:2") && e.getMessage().contains("interval_s"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> plugin.configure(
                ConfigFile.parse("[latency_log]\nretain_days = -1\n", "t.toml").section("latency_log")));
        assertTrue(e.getMessage().contains("retain_days"), e.getMessage());
    }

    @Test
    void shouldDeleteTheFilesOfDaysBeyondRetainDaysWhenADaysFileIsOpened() throws IOException {
        for (String day : List.of("2024-02-01", "2024-02-27", "2024-02-28", "2024-02-29")) {
            Files.writeString(dir.resolve("latency-" + day + ".hlog"), "old\n");
        }
        Files.writeString(dir.resolve("latency-notes.txt"), "not a log\n");
        Files.writeString(dir.resolve("latency-2024-02-01.hlog.bak"), "not a daily file\n");
        LatencyLogWriter writer = new LatencyLogWriter(new LatencyLogConfig(dir, 1, 3));

        // The interval timestamps are the clock: the first window of 2024-03-01 opens its file.
        writer.onInterval(CAM, "rtmp", interval(DAY_START_MS, 5_000, 3));
        writer.onInterval(CAM, "rtmp", interval(DAY_START_MS + 1_000, 5_000, 3));

        assertEquals(List.of("latency-2024-02-28.hlog", "latency-2024-02-29.hlog", "latency-2024-03-01.hlog"),
                LatencyLogFiles.list(dir).stream().map(f -> f.getFileName().toString()).toList(),
                "three days kept: 03-01 and the two before it");
        assertTrue(Files.exists(dir.resolve("latency-notes.txt")) && Files.exists(dir.resolve(
                "latency-2024-02-01.hlog.bak")), "other files are never touched");

        // A day later (stepped, no sleeping), the next day's first window deletes 02-28.
        writer.onInterval(CAM, "rtmp", interval(DAY_START_MS + 86_400_000, 5_000, 3));
        writer.onInterval(CAM, "rtmp", interval(DAY_START_MS + 86_401_000, 5_000, 3));
        writer.close();
        assertEquals(List.of("latency-2024-02-29.hlog", "latency-2024-03-01.hlog", "latency-2024-03-02.hlog"),
                LatencyLogFiles.list(dir).stream().map(f -> f.getFileName().toString()).toList());
    }

    @Test
    void shouldKeepEveryFileWithRetainDaysZero() throws IOException {
        Files.writeString(dir.resolve("latency-2020-01-01.hlog"), "old\n");
        LatencyLogWriter writer = new LatencyLogWriter(new LatencyLogConfig(dir, 1, 0));
        writer.onInterval(CAM, "rtmp", interval(DAY_START_MS, 5_000, 3));
        writer.close();

        assertEquals(2, LatencyLogFiles.list(dir).size());
    }

    @Test
    void shouldHandOutCopiesOfTheWindowNotWrittenYet() throws IOException {
        LatencyLogWriter writer = new LatencyLogWriter(new LatencyLogConfig(dir, 10, 0));
        assertEquals(Long.MAX_VALUE, writer.pending().startMs(), "nothing pending before the first interval");
        long t0 = DAY_START_MS + 60_000;
        writer.onInterval(CAM, "rtmp", interval(t0, 5_000, 3));
        writer.onInterval(CAM, "rtmp", interval(t0 + 1_000, 5_000, 4));

        LatencyLogWriter.PendingWindow pending = writer.pending();
        writer.onInterval(CAM, "rtmp", interval(t0 + 2_000, 5_000, 100));

        assertEquals(t0, pending.startMs());
        Histogram rtmp = pending.histograms().get("live/cam/rtmp");
        assertEquals(7, rtmp.getTotalCount(), "a copy: later intervals do not change it");
        assertEquals(t0, rtmp.getStartTimeStamp());
        assertEquals(t0 + 2_000, rtmp.getEndTimeStamp());
        assertFalse(Files.exists(LatencyLogFiles.fileFor(dir, LocalDate.parse("2024-03-01"))), "not written yet");
        writer.close();
    }
}
