package io.ringcast.ops.latencylog;

import io.ringcast.broadcast.latency.LatencyIntervalListener;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ops.report.LatencyLogFiles;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the engine's one-second latency intervals as HdrHistogram interval logs: per tag
 * {@code app/name/protocol}, the intervals of each window of {@code interval_s} seconds (aligned to the epoch) are
 * added up and written as one histogram when the first interval of a later window arrives, skipping tags that
 * recorded nothing. Values stay in nanoseconds. One file per UTC day, {@code latency-YYYY-MM-DD.hlog} (the day of
 * the window's start, {@link LatencyLogFiles}), appended to with a fresh header when it exists (a restarted
 * server); the reader takes the new base time from it. Opening a day's file deletes the files of days more than
 * {@code retain_days} back (the intervals' own timestamps are the clock, so an engine clock stepped in a test
 * drives it).
 *
 * <p>Called on the engine's housekeeping thread; {@link #close()} comes from the thread stopping the server, so the
 * methods are synchronized (uncontended, once per stream and protocol per second). An IO error is logged once and
 * turns the writer off: a full disk must not break the engine.
 */
public final class LatencyLogWriter implements LatencyIntervalListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LatencyLogWriter.class);
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Path directory;
    private final long intervalMs;
    private final int retainDays;
    /** This window's aggregate per tag, sorted so every window lists its tags in the same order. */
    private final Map<String, Histogram> pending = new TreeMap<>();
    private long window = Long.MIN_VALUE;
    private LocalDate openDay;
    private PrintStream out;
    private HistogramLogWriter log;
    private boolean off;

    /** Creates the directory when missing; nothing is written before the first window ends. */
    public LatencyLogWriter(LatencyLogConfig config) throws IOException {
        this.directory = config.directory();
        this.intervalMs = config.intervalMs();
        this.retainDays = config.retainDays();
        Files.createDirectories(directory);
    }

    /** The log tag of a stream's protocol: {@code app/name/protocol} (no spaces or commas, as the format needs). */
    public static String tag(StreamPath stream, String protocol) {
        return stream.app() + '/' + stream.name() + '/' + protocol;
    }

    @Override
    public synchronized void onInterval(StreamPath stream, String protocol, Histogram interval) {
        if (off) {
            return;
        }
        long intervalWindow = Math.floorDiv(interval.getStartTimeStamp(), intervalMs);
        if (intervalWindow != window) {
            writePending();
            window = intervalWindow;
        }
        if (interval.getTotalCount() == 0) {
            return;
        }
        Histogram sum = pending.computeIfAbsent(tag(stream, protocol), t -> new Histogram(SIGNIFICANT_DIGITS));
        // Auto-resizing: the logged histogram covers only up to its largest value, which keeps readers' copies small.
        sum.add(interval);
        sum.setStartTimeStamp(Math.min(sum.getStartTimeStamp(), interval.getStartTimeStamp()));
        sum.setEndTimeStamp(Math.max(sum.getEndTimeStamp(), interval.getEndTimeStamp()));
    }

    /**
     * The window not written yet: its start (epoch ms) and a copy of its sums so far per tag, in tag order. A report
     * of the live server adds it to the logged intervals (those starting before it), so it misses at most the
     * second being recorded.
     */
    public synchronized PendingWindow pending() {
        Map<String, Histogram> copies = new LinkedHashMap<>();
        if (!off) {
            pending.forEach((tag, sum) -> {
                Histogram copy = sum.copy();
                copy.setStartTimeStamp(sum.getStartTimeStamp());
                copy.setEndTimeStamp(sum.getEndTimeStamp());
                copies.put(tag, copy);
            });
        }
        return new PendingWindow(window == Long.MIN_VALUE ? Long.MAX_VALUE : window * intervalMs, copies);
    }

    /**
     * @param startMs   start of the window not written yet (epoch ms), {@code Long.MAX_VALUE} before the first
     * @param histograms its sums so far per tag, copies owned by the caller
     */
    public record PendingWindow(long startMs, Map<String, Histogram> histograms) {
    }

    /** Writes what the current window has so far and closes the file. Idempotent; later intervals are ignored. */
    @Override
    public synchronized void close() {
        if (!off) {
            writePending();
        }
        off = true;
        closeFile();
    }

    private void writePending() {
        if (pending.isEmpty()) {
            return;
        }
        long windowStartMs = window * intervalMs;
        LocalDate day = LatencyLogFiles.dayOf(windowStartMs);
        try {
            if (!day.equals(openDay)) {
                openFile(day, windowStartMs);
            }
            for (Map.Entry<String, Histogram> e : pending.entrySet()) {
                e.getValue().setTag(e.getKey());
                log.outputIntervalHistogram(e.getValue());
            }
            out.flush();
            if (out.checkError()) {
                throw new IOException("write failed");
            }
        } catch (IOException e) {
            LOG.error("latency log: writing {} failed, latency logging is off until restart",
                    LatencyLogFiles.fileFor(directory, day), e);
            off = true;
            closeFile();
        } finally {
            pending.clear();
        }
    }

    private void openFile(LocalDate day, long startMs) throws IOException {
        closeFile();
        deleteExpired(day);
        Path file = LatencyLogFiles.fileFor(directory, day);
        out = new PrintStream(new BufferedOutputStream(new FileOutputStream(file.toFile(), true)), false,
                StandardCharsets.US_ASCII);
        openDay = day;
        log = new HistogramLogWriter(out);
        log.outputLogFormatVersion();
        log.outputStartTime(startMs);
        log.setBaseTime(startMs);
        log.outputBaseTime(startMs);
        log.outputLegend();
    }

    /** Deletes the files of days before the last {@code retainDays} up to {@code today}; failures only logged. */
    private void deleteExpired(LocalDate today) {
        if (retainDays == 0) {
            return;
        }
        try {
            for (Path old : LatencyLogFiles.olderThan(directory, today.minusDays(retainDays - 1L))) {
                try {
                    Files.deleteIfExists(old);
                    LOG.info("latency log: deleted {} (retain_days = {})", old, retainDays);
                } catch (IOException e) {
                    LOG.warn("latency log: cannot delete {}: {}", old, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("latency log: cannot list {} to delete old files: {}", directory, e.toString());
        }
    }

    private void closeFile() {
        if (log != null) {
            log.close();
            log = null;
            out = null;
            openDay = null;
        }
    }
}
