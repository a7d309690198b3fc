package io.ringcast.ops.latency;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads interval log files into {@link LatencyReportData}: a quick pass for the time span (which sets the width of
 * the over-time points), then one pass per shard of the tags, the shards on their own threads, each decoding only
 * its tags. Called from one thread.
 */
public final class LatencyLogs {
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

    /** Reads the files' timestamps only, counting intervals starting in {@code [fromMs, toMs)}. */
    public static Span span(List<Path> files, long fromMs, long toMs) throws IOException {
        long[] span = {Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE};
        IntervalLogScanner scanner = new IntervalLogScanner();
        for (Path file : files) {
            scanner.scan(file, new IntervalLogScanner.Visitor() {
                @Override
                public boolean wants(String tag) {
                    return true;
                }

                @Override
                public void interval(String tag, long startMs, long endMs, byte[] text, int offset, int length) {
                    if (startMs >= fromMs && startMs < toMs) {
                        span[0] = Math.min(span[0], startMs);
                        span[1] = Math.max(span[1], endMs);
                        span[2] = span[2] == Long.MAX_VALUE ? endMs - startMs : Math.max(span[2], endMs - startMs);
                    }
                }
            });
        }
        return new Span(span[0], span[1], span[2]);
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

    /** Aggregates the intervals starting in {@code [fromMs, toMs)} with {@code shards} threads. */
    public static LatencyReportData aggregate(List<Path> files, long fromMs, long toMs, long bucketMs, int worst,
                                              int shards) throws IOException {
        List<LatencyAggregator> aggregators = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            aggregators.add(new LatencyAggregator(fromMs, toMs, bucketMs, worst, i, shards));
        }
        if (shards == 1) {
            read(files, aggregators.get(0));
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(shards, r -> {
                Thread t = new Thread(r, "latency-report-shard");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> done = new ArrayList<>();
                for (LatencyAggregator a : aggregators) {
                    done.add(pool.submit(() -> {
                        read(files, a);
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
        LatencyAggregator all = aggregators.get(0);
        for (int i = 1; i < shards; i++) {
            all.merge(aggregators.get(i));
        }
        return all.result();
    }

    private static void read(List<Path> files, LatencyAggregator aggregator) throws IOException {
        IntervalLogScanner scanner = new IntervalLogScanner();
        IntervalDecoder decoder = new IntervalDecoder();
        for (Path file : files) {
            scanner.scan(file, new IntervalLogScanner.Visitor() {
                @Override
                public boolean wants(String tag) {
                    return aggregator.wants(tag);
                }

                @Override
                public void interval(String tag, long startMs, long endMs, byte[] text, int offset, int length) {
                    if (aggregator.inRange(startMs)) {
                        decoder.decode(text, offset, length);
                        aggregator.add(tag, startMs, endMs, decoder);
                    }
                }
            });
        }
    }

}
