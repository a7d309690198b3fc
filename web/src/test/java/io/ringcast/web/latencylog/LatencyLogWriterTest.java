package io.ringcast.web.latencylog;

import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.stream.StreamPath;
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
        LatencyLogWriter writer = new LatencyLogWriter(new LatencyLogConfig(dir, 10));
        long t0 = DAY_START_MS + 3_600_000;
        for (int s = 0; s < 20; s++) {
            writer.onInterval(CAM, "httpflv", interval(t0 + s * 1_000L, 200_000 + s, 10));
            writer.onInterval(CAM, "rtmp", interval(t0 + s * 1_000L, 300_000, s < 10 ? 0 : 5));
        }
        writer.onInterval(CAM, "httpflv", interval(t0 + 20_000, 1, 1));

        Path file = LatencyLogWriter.fileFor(dir, LocalDate.parse("2024-03-01"));
        assertEquals(dir.resolve("latency-2024-03-01.hlog"), file);
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("#[Histogram log format version 1.3]"), text);
        assertTrue(text.contains("#[StartTime: " + (t0 / 1000) + ".000 (seconds since epoch)"), text);
        assertTrue(text.contains("#[BaseTime: " + (t0 / 1000) + ".000 (seconds since epoch)]"), text);
        assertTrue(text.contains("\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\""),
                text);
        List<Histogram> logged = read(file);
        assertEquals(List.of("live/cam/httpflv", "live/cam/httpflv", "live/cam/rtmp"),
                logged.stream().map(Histogram::getTag).toList(), "window 1 has no rtmp counts; window 3 is pending");
        assertEquals(100, logged.get(0).getTotalCount());
        assertEquals(t0, logged.get(0).getStartTimeStamp());
        assertEquals(t0 + 10_000, logged.get(0).getEndTimeStamp());
        assertEquals(200_009, logged.get(0).getMaxValue(), 200);
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
        LatencyLogWriter writer = new LatencyLogWriter(new LatencyLogConfig(dir, 10));
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
            LatencyLogWriter writer = new LatencyLogWriter(new LatencyLogConfig(dir, 1));
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
        LatencyLogWriter writer = new LatencyLogWriter(new LatencyLogConfig(dir, 1));

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

        plugin.configure(ConfigFile.parse("[latency_log]\nenable = true\ndirectory = \"x\"\ninterval_s = 60\n", "t.toml")
                .section("latency_log"));
        assertTrue(plugin.enabled());
        assertEquals(new LatencyLogConfig(Path.of("x"), 60), plugin.config());

        ConfigException e = assertThrows(ConfigException.class, () -> plugin.configure(
                ConfigFile.parse("[latency_log]\ninterval_s = 0\n", "t.toml").section("latency_log")));
        assertTrue(e.getMessage().contains("t.toml:2") && e.getMessage().contains("interval_s"), e.getMessage());
    }
}
