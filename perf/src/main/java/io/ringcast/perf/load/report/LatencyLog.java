package io.ringcast.perf.load.report;

import io.ringcast.perf.load.viewer.ViewerGroup;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * The run's HdrHistogram interval log ({@code latency.hlog}): every interval, one histogram per viewer group that
 * recorded frames, tagged with the group's name, values in nanoseconds, as the server's own latency logs, so
 * {@code HistogramLogProcessor} and ops' latency report read it. Used by the coordinating thread only.
 */
public final class LatencyLog implements AutoCloseable {
    private final PrintStream out;
    private final HistogramLogWriter writer;

    /** Creates the file and writes the header. */
    public LatencyLog(Path file, long startEpochMs) throws IOException {
        out = new PrintStream(file.toFile(), java.nio.charset.StandardCharsets.US_ASCII);
        writer = new HistogramLogWriter(out);
        writer.outputLogFormatVersion();
        writer.outputComment("ringcast load generator: per-frame latency (ns) from publisher write to viewer read");
        writer.outputStartTime(startEpochMs);
        writer.setBaseTime(startEpochMs);
        writer.outputLegend();
    }

    /** Samples every group's recorders and writes the non-empty intervals. */
    public void sample(List<ViewerGroup> groups) {
        for (ViewerGroup group : groups) {
            Histogram interval = group.sampleInterval();
            if (interval.getTotalCount() > 0) {
                writer.outputIntervalHistogram(interval);
            }
        }
        out.flush();
    }

    @Override
    public void close() {
        out.close();
    }
}
