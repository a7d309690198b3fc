package io.ringcast.ops.report;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads interval log files into {@link LatencyReportData} in two passes. The first, on the calling thread, reads only
 * line heads (through a memory map): the time span (which sets the width of the over-time points) and a {@link LogPart}
 * every {@value #PART_BYTES} bytes with the header state there. The second decodes every interval in range once, the
 * parts taken in turn by {@code threads} threads, each into its own {@link LatencyAggregator}; the aggregators are
 * merged at the end. Most of the time goes into zlib (about 6.5 µs per logged histogram), so the threads share the work
 * evenly whatever the tags. Called from one thread.
 */
public final class LatencyLogs {
    /** Over-time points at most. */
    public static final int MAX_POINTS = 500;
    /** Bytes of log per part of the second pass: small enough to balance the threads, large enough to read well. */
    static final long PART_BYTES = 8L << 20;
    /** Widths of over-time points to choose from. */
    private static final long[] BUCKET_WIDTHS_MS = {1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000,
        300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000};

    private LatencyLogs() {
    }

    /** Start of the first and end of the last interval of the files (epoch ms), and the longest interval length. */
    public record Span(long firstStartMs, long lastEndMs, long longestIntervalMs) {
        public boolean isEmpty() {
            return firstStartMs > lastEndMs;
        }
    }

    /** A part of a file, from a line start with the header state there to the start of the next part. */
    record LogPart(Path file, IntervalLogScanner.Checkpoint from, long toPosition) {
    }

    /** What the first pass found: the span of the intervals in range, and the parts to decode. */
    record LogIndex(Span span, List<LogPart> parts) {
    }

    /**
     * The report of the intervals starting in {@code [fromMs, toMs)}, with at most {@link #MAX_POINTS} over-time
     * points and {@code worst} worst intervals per protocol, decoded on {@code threads} threads.
     */
    public static LatencyReportData report(List<Path> files, long fromMs, long toMs, int worst, int threads)
            throws IOException {
        return aggregate(files, fromMs, toMs, worst, threads).result();
    }

    /** Like {@link #report} but the aggregator itself, to add more (e.g. in-memory) intervals before the result. */
    public static LatencyAggregator aggregate(List<Path> files, long fromMs, long toMs, int worst, int threads)
            throws IOException {
        return aggregate(files, fromMs, toMs, toMs, worst, threads, PART_BYTES);
    }

    /**
     * Like {@link #aggregate(List, long, long, int, int)}, but reads only the logged intervals starting before
     * {@code logsBeforeMs}: a live server's report takes those from the logs and the later ones from memory.
     */
    public static LatencyAggregator aggregate(List<Path> files, long fromMs, long toMs, long logsBeforeMs, int worst,
                                              int threads) throws IOException {
        return aggregate(files, fromMs, toMs, logsBeforeMs, worst, threads, PART_BYTES);
    }

    static LatencyAggregator aggregate(List<Path> files, long fromMs, long toMs, long logsBeforeMs, int worst,
                                       int threads, long partBytes) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive: " + threads);
        }
        long logsToMs = Math.min(toMs, logsBeforeMs);
        LogIndex index = index(files, fromMs, logsToMs, partBytes);
        long bucketMs = bucketMs(index.span(), MAX_POINTS);
        List<LatencyAggregator> aggregators = new ArrayList<>();
        int workers = Math.min(threads, Math.max(1, index.parts().size()));
        for (int i = 0; i < workers; i++) {
            aggregators.add(new LatencyAggregator(fromMs, toMs, bucketMs, worst));
        }
        AtomicInteger next = new AtomicInteger();
        if (workers == 1) {
            decodeParts(index.parts(), fromMs, logsToMs, next, aggregators.get(0));
        } else {
            decodeInParallel(index.parts(), fromMs, logsToMs, next, aggregators);
        }
        LatencyAggregator all = aggregators.get(0);
        for (int i = 1; i < workers; i++) {
            all.merge(aggregators.get(i));
        }
        return all;
    }

    /** The first pass: the span of the intervals starting in {@code [fromMs, toMs)} and the parts of the files. */
    static LogIndex index(List<Path> files, long fromMs, long toMs, long partBytes) throws IOException {
        long[] span = {Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
        List<LogPart> parts = new ArrayList<>();
        IntervalLogScanner scanner = new IntervalLogScanner();
        for (Path file : files) {
            IntervalLogScanner.Checkpoint[] partStart = {IntervalLogScanner.Checkpoint.START};
            boolean[] anyInRange = {false};
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                scanner.scanHeads(file, channel, (position, tag, startMs, endMs, text, offset, length) -> {
                    if (position - partStart[0].position() >= partBytes) {
                        if (anyInRange[0]) {
                            parts.add(new LogPart(file, partStart[0], position));
                        }
                        partStart[0] = scanner.checkpoint(position);
                        anyInRange[0] = false;
                    }
                    if (startMs >= fromMs && startMs < toMs) {
                        anyInRange[0] = true;
                        span[0] = Math.min(span[0], startMs);
                        span[1] = Math.max(span[1], endMs);
                        span[2] = Math.max(span[2], endMs - startMs);
                    }
                });
            }
            if (anyInRange[0]) {
                parts.add(new LogPart(file, partStart[0], Long.MAX_VALUE));
            }
        }
        return new LogIndex(new Span(span[0], span[1], Math.max(0, span[2])), parts);
    }

    /** The smallest width from a fixed list that is at least the interval length and gives at most {@code points}. */
    public static long bucketMs(Span span, int points) {
        if (span.isEmpty()) {
            return BUCKET_WIDTHS_MS[0];
        }
        long spanMs = span.lastEndMs() - span.firstStartMs();
        for (long width : BUCKET_WIDTHS_MS) {
            if (width >= span.longestIntervalMs() && spanMs / width <= points) {
                return width;
            }
        }
        return Math.max(BUCKET_WIDTHS_MS[BUCKET_WIDTHS_MS.length - 1], spanMs / points);
    }

    private static void decodeInParallel(List<LogPart> parts, long fromMs, long toMs, AtomicInteger next,
                                         List<LatencyAggregator> aggregators) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(aggregators.size(), r -> {
            Thread t = new Thread(r, "latency-report-decoder");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> done = new ArrayList<>();
            for (LatencyAggregator a : aggregators) {
                done.add(pool.submit(() -> {
                    decodeParts(parts, fromMs, toMs, next, a);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Takes parts in turn (shared counter {@code next}) until none is left, decoding their intervals starting in
     * {@code [fromMs, toMs)}.
     */
    private static void decodeParts(List<LogPart> parts, long fromMs, long toMs, AtomicInteger next,
                                    LatencyAggregator aggregator) throws IOException {
        IntervalLogScanner scanner = new IntervalLogScanner();
        IntervalDecoder decoder = new IntervalDecoder();
        IntervalLogScanner.Visitor visitor = (position, tag, startMs, endMs, text, offset, length) -> {
            if (startMs >= fromMs && startMs < toMs) {
                decoder.decode(text, offset, length);
                aggregator.add(tag, startMs, endMs, decoder);
            }
        };
        for (int i = next.getAndIncrement(); i < parts.size(); i = next.getAndIncrement()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new IOException("interrupted");
            }
            LogPart part = parts.get(i);
            try (FileChannel channel = FileChannel.open(part.file(), StandardOpenOption.READ)) {
                scanner.scan(part.file(), channel, part.from(), part.toPosition(), visitor);
            }
        }
    }
}
