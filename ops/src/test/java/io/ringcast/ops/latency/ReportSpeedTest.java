package io.ringcast.ops.latency;

import io.ringcast.ops.LatencyReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How fast reports are made. The goal: a day of logs for 100 streams x 2 protocols at 10 s intervals (1.73 M
 * interval histograms, about 1.3 GB) in under 10 s. The unit test measures CPU per interval on a slice (wall time on
 * a shared machine says little); the full day runs on request:
 * {@code mvn -pl ops test -Dtest=ReportSpeedTest -Dringcast.fullDay=/tmp/synthday} (generates the day there first
 * when missing; about 7 minutes).
 */
@Timeout(300)
class ReportSpeedTest {
    private static final long START_MS = Instant.parse("2024-03-01T00:00:00Z").toEpochMilli();
    private static final int DAY_INTERVALS = 8_640;
    /**
     * A regression guard, not the goal: the goal allows about 11.5 µs per interval on 2 cores, warm code needs about
     * 15 (most of it zlib), a small slice on a busy machine up to about 35; walking every counts index (as
     * {@code Histogram.add} does) would cost well over 100.
     */
    private static final double MAX_CPU_US_PER_INTERVAL = 80;

    @TempDir
    Path dir;

    @Test
    void shouldAggregateAnIntervalInAFewMicrosecondsOfCpu() throws IOException {
        Path file = dir.resolve("slice.hlog");
        SyntheticLatencyLogs.write(file, 20, START_MS, 360, 10, 11);
        var threads = ManagementFactory.getThreadMXBean();
        LatencyLogs.aggregate(List.of(file), Long.MIN_VALUE, Long.MAX_VALUE, 60_000, 20, 1);

        long cpu0 = threads.getCurrentThreadCpuTime();
        LatencyReportData data = LatencyLogs.aggregate(List.of(file), Long.MIN_VALUE, Long.MAX_VALUE, 60_000, 20, 1);
        double usPerInterval = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / data.intervals();

        assertEquals(20 * 2 * 360, data.intervals());
        System.out.printf("ReportSpeedTest: %.1f µs CPU per interval (%d intervals, %d bytes)%n", usPerInterval,
                data.intervals(), Files.size(file));
        assertTrue(usPerInterval < MAX_CPU_US_PER_INTERVAL, usPerInterval + " µs per interval");
    }

    @Test
    @EnabledIfSystemProperty(named = "ringcast.fullDay", matches = ".+")
    void shouldReportAFullDayOfAHundredStreamsInUnderTenSeconds() throws IOException {
        Path day = Path.of(System.getProperty("ringcast.fullDay"));
        Path file = day.resolve("latency-2024-03-01.hlog");
        if (!Files.exists(file)) {
            Files.createDirectories(day);
            SyntheticLatencyLogs.write(file, 100, START_MS, DAY_INTERVALS, 10, 42);
        }
        Path out = Files.createTempDirectory("full-day-report").resolve("report.html");

        long t0 = System.nanoTime();
        LatencyReportData data = LatencyReport.run(LatencyReport.parse(new String[] {"--out", out.toString(),
                day.toString()}));
        double seconds = (System.nanoTime() - t0) / 1e9;

        System.out.printf("ReportSpeedTest: full day %d intervals, %d tags in %.2f s (%d cores) -> %s%n",
                data.intervals(), data.tags().size(), seconds, Runtime.getRuntime().availableProcessors(), out);
        assertEquals(100L * 2 * DAY_INTERVALS, data.intervals());
        assertTrue(seconds < 10, seconds + " s");
    }
}
