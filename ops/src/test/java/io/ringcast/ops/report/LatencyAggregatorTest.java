package io.ringcast.ops.report;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Aggregation against HdrHistogram itself: HistogramLogReader plus Histogram.add, as HistogramLogProcessor does. */
@Timeout(60)
class LatencyAggregatorTest {
    private static final long START_MS = Instant.parse("2024-03-01T00:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    /** Per tag, the sum of its intervals starting in [fromMs, toMs), by HdrHistogram's reader and add. */
    static Map<String, Histogram> reference(Path file, long fromMs, long toMs) throws IOException {
        Map<String, Histogram> sums = new TreeMap<>();
        try (HistogramLogReader reader = new HistogramLogReader(file.toFile())) {
            for (EncodableHistogram e = reader.nextIntervalHistogram(); e != null; e = reader.nextIntervalHistogram()) {
                Histogram h = (Histogram) e;
                if (h.getStartTimeStamp() >= fromMs && h.getStartTimeStamp() < toMs) {
                    sums.computeIfAbsent(h.getTag(), t -> new Histogram(1, 3_600_000_000_000L, 3)).add(h);
                }
            }
        }
        return sums;
    }

    /** Small parts, so that every file is read in many parts, by several threads when {@code threads > 1}. */
    static LatencyReportData aggregate(List<Path> files, long fromMs, long toMs, int threads) throws IOException {
        return LatencyLogs.aggregate(files, fromMs, toMs, toMs, 10, threads, 64 * 1024).result();
    }

    @Test
    void shouldMatchHdrHistogramsOwnSumsForEveryTagAndPercentile() throws IOException {
        Path file = dir.resolve("a.hlog");
        SyntheticLatencyLogs.write(file, 5, START_MS, 60, 10, 7);

        for (int threads : new int[] {1, 3}) {
            LatencyReportData data = aggregate(List.of(file), Long.MIN_VALUE, Long.MAX_VALUE, threads);
            Map<String, Histogram> expected = reference(file, Long.MIN_VALUE, Long.MAX_VALUE);
            assertEquals(expected.keySet().stream().toList(),
                    data.tags().stream().map(LatencyReportData.TagSummary::tag).sorted().toList());
            for (LatencyReportData.TagSummary row : data.tags()) {
                Histogram h = expected.get(row.tag());
                assertEquals(h.getTotalCount(), row.count(), row.tag());
                assertEquals(h.getValueAtPercentile(50), row.p50Ns(), row.tag());
                assertEquals(h.getValueAtPercentile(90), row.p90Ns(), row.tag());
                assertEquals(h.getValueAtPercentile(99), row.p99Ns(), row.tag());
                assertEquals(h.getValueAtPercentile(99.9), row.p999Ns(), row.tag());
                assertEquals(h.getMaxValue(), row.maxNs(), row.tag());
                assertEquals(60, row.intervals());
            }
            assertEquals(5 * 2 * 60, data.intervals());
            assertEquals(START_MS, data.firstStartMs());
            assertEquals(START_MS + 600_000, data.lastEndMs());
        }
    }

    @Test
    void shouldFollowANewBaseTimeInTheMiddleOfAnAppendedLogWhateverPartItFallsIn() throws IOException {
        Path first = dir.resolve("first.hlog");
        Path restart = dir.resolve("restart.hlog");
        SyntheticLatencyLogs.write(first, 3, START_MS, 40, 10, 21);
        SyntheticLatencyLogs.write(restart, 3, START_MS + 3_600_000, 40, 10, 22);
        Path appended = dir.resolve("appended.hlog");
        Files.write(appended, Files.readAllBytes(first));
        Files.write(appended, Files.readAllBytes(restart), StandardOpenOption.APPEND);

        Map<String, Histogram> expected = reference(appended, Long.MIN_VALUE, Long.MAX_VALUE);
        for (long partBytes : new long[] {1_000, 7_777, 1L << 30}) {
            LatencyReportData data = LatencyLogs.aggregate(List.of(appended), Long.MIN_VALUE, Long.MAX_VALUE,
                    Long.MAX_VALUE, 5, 2, partBytes).result();
            assertEquals(3 * 2 * 80, data.intervals(), "part bytes " + partBytes);
            assertEquals(START_MS, data.firstStartMs());
            assertEquals(START_MS + 3_600_000 + 400_000, data.lastEndMs());
            for (LatencyReportData.TagSummary row : data.tags()) {
                assertEquals(expected.get(row.tag()).getTotalCount(), row.count(), row.tag());
                assertEquals(expected.get(row.tag()).getValueAtPercentile(99), row.p99Ns(), row.tag());
                assertEquals(80, row.intervals(), row.tag());
            }
        }
    }

    @Test
    void shouldMatchHdrHistogramPerTimeBucketWhenBucketsHoldManyIntervals() throws IOException {
        Path file = dir.resolve("long.hlog");
        SyntheticLatencyLogs.write(file, 2, START_MS, 2_000, 10, 31);

        LatencyReportData data = aggregate(List.of(file), Long.MIN_VALUE, Long.MAX_VALUE, 2);

        assertEquals(60_000, data.bucketMs(), "20 000 s in at most 500 points: 6 intervals per bucket");
        Map<String, Histogram> buckets = new TreeMap<>();
        try (HistogramLogReader reader = new HistogramLogReader(file.toFile())) {
            for (EncodableHistogram e = reader.nextIntervalHistogram(); e != null; e = reader.nextIntervalHistogram()) {
                Histogram h = (Histogram) e;
                String key = LatencyAggregator.protocolOf(h.getTag()) + "@" + Math.floorDiv(h.getStartTimeStamp(),
                        60_000) * 60_000;
                buckets.computeIfAbsent(key, k -> new Histogram(1, 3_600_000_000_000L, 3)).add(h);
            }
        }
        int points = 0;
        for (Map.Entry<String, List<LatencyReportData.SeriesPoint>> e : data.series().entrySet()) {
            for (LatencyReportData.SeriesPoint p : e.getValue()) {
                Histogram h = buckets.get(e.getKey() + "@" + p.startMs());
                assertEquals(h.getTotalCount(), p.count(), e.getKey() + " " + p.startMs());
                assertEquals(h.getValueAtPercentile(50), p.p50Ns());
                assertEquals(h.getValueAtPercentile(99), p.p99Ns());
                assertEquals(h.getMaxValue(), p.maxNs());
                points++;
            }
        }
        assertEquals(buckets.size(), points);
        Map<String, Histogram> expected = reference(file, Long.MIN_VALUE, Long.MAX_VALUE);
        for (LatencyReportData.TagSummary row : data.tags()) {
            assertEquals(expected.get(row.tag()).getTotalCount(), row.count(), row.tag());
            assertEquals(expected.get(row.tag()).getValueAtPercentile(90), row.p90Ns(), row.tag());
            assertEquals(expected.get(row.tag()).getMaxValue(), row.maxNs(), row.tag());
        }
    }

    @Test
    void shouldSumStreamsLoggedWithDifferentPrecisionInTheirOwnLayout() throws IOException {
        Path file = dir.resolve("mixed.hlog");
        Map<String, Histogram> expected = new TreeMap<>();
        try (java.io.PrintStream out = new java.io.PrintStream(Files.newOutputStream(file), false,
                java.nio.charset.StandardCharsets.US_ASCII)) {
            org.HdrHistogram.HistogramLogWriter log = new org.HdrHistogram.HistogramLogWriter(out);
            log.outputStartTime(START_MS);
            log.setBaseTime(START_MS);
            log.outputBaseTime(START_MS);
            for (int i = 0; i < 40; i++) {
                for (int digits : new int[] {2, 3}) {
                    String tag = "live/d" + digits + "/rtmp";
                    Histogram h = new Histogram(digits);
                    for (int v = 1; v <= 500; v++) {
                        h.recordValue(v * 997L + i * 31L);
                    }
                    h.setStartTimeStamp(START_MS + i * 10_000L);
                    h.setEndTimeStamp(START_MS + (i + 1) * 10_000L);
                    h.setTag(tag);
                    log.outputIntervalHistogram(h);
                    expected.computeIfAbsent(tag, t -> new Histogram(1, 3_600_000_000_000L, digits)).add(h);
                }
            }
        }

        LatencyReportData data = LatencyLogs.aggregate(List.of(file), Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
                5, 2, 4_096).result();

        assertEquals(2, data.tags().size());
        for (LatencyReportData.TagSummary row : data.tags()) {
            Histogram h = expected.get(row.tag());
            assertEquals(h.getTotalCount(), row.count(), row.tag());
            assertEquals(h.getValueAtPercentile(99), row.p99Ns(), row.tag());
            assertEquals(h.getMaxValue(), row.maxNs(), row.tag());
        }
        assertEquals(2 * 40 * 500, data.series().get("rtmp").stream().mapToLong(LatencyReportData.SeriesPoint::count)
                .sum(), "both streams in every bucket of the protocol");
    }

    @Test
    void shouldCountOnlyIntervalsStartingInTheRange() throws IOException {
        Path file = dir.resolve("b.hlog");
        SyntheticLatencyLogs.write(file, 2, START_MS, 60, 10, 8);
        long from = START_MS + 95_000;
        long to = START_MS + 300_000;

        LatencyReportData data = aggregate(List.of(file), from, to, 2);

        Map<String, Histogram> expected = reference(file, from, to);
        for (LatencyReportData.TagSummary row : data.tags()) {
            assertEquals(expected.get(row.tag()).getTotalCount(), row.count(), row.tag());
            assertEquals(expected.get(row.tag()).getValueAtPercentile(99.9), row.p999Ns(), row.tag());
            assertEquals(20, row.intervals(), "starts 100 s .. 290 s");
        }
        assertEquals(START_MS + 100_000, data.firstStartMs());
        assertEquals(START_MS + 300_000, data.lastEndMs());
        assertTrue(data.series().get("rtmp").stream().allMatch(p -> p.startMs() >= START_MS + 60_000
                && p.startMs() < to));
    }

    @Test
    void shouldKeepEachProtocolsWorstIntervalsByMaximumWithTheirOwnPercentiles() throws IOException {
        Path file = dir.resolve("c.hlog");
        SyntheticLatencyLogs.write(file, 3, START_MS, 30, 10, 9);

        LatencyReportData data = aggregate(List.of(file), Long.MIN_VALUE, Long.MAX_VALUE, 2);

        List<Histogram> all = new java.util.ArrayList<>();
        try (HistogramLogReader reader = new HistogramLogReader(file.toFile())) {
            for (EncodableHistogram e = reader.nextIntervalHistogram(); e != null; e = reader.nextIntervalHistogram()) {
                all.add((Histogram) e);
            }
        }
        all.removeIf(h -> !h.getTag().endsWith("/rtmp"));
        all.sort(java.util.Comparator.comparingLong(Histogram::getMaxValue).reversed());
        assertEquals(List.of("httpflv", "rtmp"), List.copyOf(data.worst().keySet()));
        List<LatencyReportData.WorstInterval> rtmp = data.worst().get("rtmp");
        assertEquals(10, rtmp.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(all.get(i).getMaxValue(), rtmp.get(i).maxNs(), "rank " + i);
            assertTrue(rtmp.get(i).tag().endsWith("/rtmp"));
        }
        LatencyReportData.WorstInterval top = rtmp.get(0);
        Histogram same = all.stream().filter(h -> h.getTag().equals(top.tag())
                && h.getStartTimeStamp() == top.startMs()).findFirst().orElseThrow();
        assertEquals(same.getValueAtPercentile(99), top.p99Ns());
        assertEquals(same.getTotalCount(), top.count());
    }

    @Test
    void shouldAggregateInMemoryHistogramsLikeLoggedOnes() {
        LatencyAggregator aggregator = LatencyAggregator.all(1_000, 5);
        Histogram a = new Histogram(1, 60_000_000_000L, 3);
        Histogram sum = new Histogram(1, 60_000_000_000L, 3);
        for (int i = 1; i <= 5_000; i++) {
            a.recordValue(i * 977L);
        }
        a.setStartTimeStamp(START_MS);
        a.setEndTimeStamp(START_MS + 1_000);
        aggregator.add("live/x/httpflv", a);
        aggregator.add("live/x/httpflv", a);
        sum.add(a);
        sum.add(a);

        LatencyReportData.TagSummary row = aggregator.result().tags().get(0);
        assertEquals(sum.getTotalCount(), row.count());
        assertEquals(sum.getValueAtPercentile(50), row.p50Ns());
        assertEquals(sum.getValueAtPercentile(99.9), row.p999Ns());
        assertEquals(sum.getMaxValue(), row.maxNs());
        assertEquals("live/x", row.stream());
        assertEquals("httpflv", row.protocol());
    }
}
