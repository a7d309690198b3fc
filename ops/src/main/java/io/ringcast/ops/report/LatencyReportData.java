package io.ringcast.ops.report;

import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Map;

/**
 * Everything a latency report shows, values in nanoseconds as logged: what {@link LatencyAggregator#result()}
 * computes and the renderers format. Immutable once built; any thread.
 *
 * @param firstStartMs   start of the earliest interval included (epoch ms), 0 when there is none
 * @param lastEndMs      end of the latest interval included (epoch ms)
 * @param intervals      how many logged intervals were included
 * @param bucketMs       width of the points of the over-time series
 * @param tags           one row per stream and protocol, sorted by stream then protocol
 * @param protocolTotals every stream's latencies merged per protocol (for the percentile distribution)
 * @param series         per protocol, the over-time points in time order (empty buckets left out)
 * @param worst          per protocol, its worst intervals, highest maximum first
 */
public record LatencyReportData(long firstStartMs, long lastEndMs, long intervals, long bucketMs, List<TagSummary> tags,
                                Map<String, Histogram> protocolTotals, Map<String, List<SeriesPoint>> series,
                                Map<String, List<WorstInterval>> worst) {

    /** One stream and protocol over the whole report: its interval count and the percentiles of all its values. */
    public record TagSummary(String tag, String stream, String protocol, long intervals, long count, long p50Ns,
                             long p90Ns, long p99Ns, long p999Ns, long maxNs) {
        static TagSummary of(String tag, long intervals, Histogram h) {
            int slash = tag.lastIndexOf('/');
            String stream = slash < 0 ? tag : tag.substring(0, slash);
            String protocol = slash < 0 ? "" : tag.substring(slash + 1);
            return new TagSummary(tag, stream, protocol, intervals, h.getTotalCount(), h.getValueAtPercentile(50),
                    h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                    h.getMaxValue());
        }
    }

    /** One point of a protocol's series: all its streams' values in one bucket of time. */
    public record SeriesPoint(long startMs, long count, long p50Ns, long p99Ns, long maxNs) {
    }

    /** One logged interval of one stream and protocol. */
    public record WorstInterval(String tag, long startMs, long endMs, long count, long p99Ns, long maxNs) {
    }
}
