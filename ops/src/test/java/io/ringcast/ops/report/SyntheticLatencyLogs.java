package io.ringcast.ops.report;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Writes interval logs shaped like the server's {@code [latency_log]} files, with HdrHistogram's own
 * {@link HistogramLogWriter}: per interval and tag {@code live/sNNN/protocol} an auto-resizing 3-digit histogram
 * in nanoseconds of 600-900 frames, log-normal around 200 µs, a rare spike of 2-40 ms, and now and then a slow
 * interval (everything 3-8x); optionally {@code hls-segment} too, with 5 segments of 2-2.5 s per interval, as the
 * server logs them. Deterministic for a seed. Also a command for the full-day performance run
 * ({@code perf/latency-report-day}):
 * {@code java -cp ... io.ringcast.ops.report.SyntheticLatencyLogs DIR [streams] [hours] [interval_s] [protocols: 2|3]}.
 */
public final class SyntheticLatencyLogs {
    private static final String[] PROTOCOLS = {"httpflv", "rtmp"};
    private static final String[] PROTOCOLS_WITH_HLS = {"httpflv", "rtmp", "hls-segment"};
    private static final int HLS_SEGMENTS_PER_INTERVAL = 5;
    private static final double HLS_SEGMENT_NS = 2e9;
    private static final double MEDIAN_NS = 200_000;
    private static final double SIGMA = 0.35;

    private SyntheticLatencyLogs() {
    }

    /** Writes {@code intervals} intervals of {@code intervalS} seconds from {@code startMs} for every tag. */
    public static void write(Path file, int streams, long startMs, int intervals, int intervalS, long seed)
            throws IOException {
        write(file, streams, PROTOCOLS, startMs, intervals, intervalS, seed);
    }

    /** As {@link #write(Path, int, long, int, int, long)} for the given protocols. */
    public static void write(Path file, int streams, String[] protocols, long startMs, int intervals, int intervalS,
                             long seed) throws IOException {
        try (PrintStream out = new PrintStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20), false,
                StandardCharsets.US_ASCII)) {
            HistogramLogWriter log = new HistogramLogWriter(out);
            log.outputLogFormatVersion();
            log.outputStartTime(startMs);
            log.setBaseTime(startMs);
            log.outputBaseTime(startMs);
            log.outputLegend();
            Histogram h = new Histogram(3);
            for (int i = 0; i < intervals; i++) {
                long intervalStartMs = startMs + i * (intervalS * 1_000L);
                for (int s = 0; s < streams; s++) {
                    for (int p = 0; p < protocols.length; p++) {
                        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + (i * 7919L + s) * 31 + p);
                        if (protocols[p].equals("hls-segment")) {
                            fillSegments(h, random);
                        } else {
                            fill(h, random);
                        }
                        h.setStartTimeStamp(intervalStartMs);
                        h.setEndTimeStamp(intervalStartMs + intervalS * 1_000L);
                        h.setTag(String.format("live/s%03d/%s", s, protocols[p]));
                        log.outputIntervalHistogram(h);
                    }
                }
            }
        }
    }

    private static void fill(Histogram h, SplittableRandom random) {
        h.reset();
        int frames = 600 + random.nextInt(300);
        double scale = random.nextInt(2_000) == 0 ? 3 + random.nextDouble() * 5 : 1;
        for (int f = 0; f < frames; f++) {
            double gaussian = random.nextDouble() + random.nextDouble() + random.nextDouble()
                    + random.nextDouble() - 2.0;
            long ns = (long) (scale * MEDIAN_NS * Math.exp(SIGMA * gaussian * 1.732));
            if (random.nextInt(20_000) == 0) {
                ns = 2_000_000 + random.nextLong(38_000_000);
            }
            h.recordValue(Math.max(ns, 1));
        }
    }

    private static void fillSegments(Histogram h, SplittableRandom random) {
        h.reset();
        for (int i = 0; i < HLS_SEGMENTS_PER_INTERVAL; i++) {
            h.recordValue((long) (HLS_SEGMENT_NS * (1 + random.nextDouble() / 4)));
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int streams = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        double hours = args.length > 2 ? Double.parseDouble(args[2]) : 24;
        int intervalS = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        String[] protocols = args.length > 4 && args[4].equals("3") ? PROTOCOLS_WITH_HLS : PROTOCOLS;
        Files.createDirectories(dir);
        long startMs = Instant.parse("2024-03-01T00:00:00Z").toEpochMilli();
        long t0 = System.nanoTime();
        Path file = dir.resolve("latency-2024-03-01.hlog");
        write(file, streams, protocols, startMs, (int) (hours * 3600 / intervalS), intervalS, 42);
        System.out.printf("%s: %d bytes in %.1f s%n", file, Files.size(file), (System.nanoTime() - t0) / 1e9);
    }
}
