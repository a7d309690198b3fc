package io.ringcast.web.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import io.ringcast.broadcast.hooks.HookStats;
import io.ringcast.broadcast.latency.LatencyBuckets;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Map;

/**
 * The publish/play hooks' series, read from {@link HookStats} at scrape time (request thread): calls, results and
 * retries per hook, and each hook's call latency as a histogram on the stream latency's buckets.
 */
final class HookFamilies {
    private static final double MICROS_PER_SECOND = 1e6;
    private static final long NANOS_PER_MICRO = 1_000;

    private HookFamilies() {
    }

    static void addTo(HookStats stats, List<MetricSnapshot> out) {
        CounterSnapshot.Builder calls = CounterSnapshot.builder().name("ringcast_hook_calls")
                .help("Calls to each hook ([hooks])");
        CounterSnapshot.Builder results = CounterSnapshot.builder().name("ringcast_hook_results")
                .help("Hook calls by result: allowed, refused, failed (timeouts, errors, full queue)");
        CounterSnapshot.Builder retries = CounterSnapshot.builder().name("ringcast_hook_retries")
                .help("Notification hook calls sent again after a failure");
        HistogramSnapshot.Builder latency = HistogramSnapshot.builder().name("ringcast_hook_latency_seconds")
                .unit(Unit.SECONDS).help("How long each hook took to answer");
        double[] boundsS = new double[LatencyBuckets.boundCount() + 1];
        long[] boundsUs = new long[LatencyBuckets.boundCount()];
        for (int i = 0; i < boundsUs.length; i++) {
            boundsUs[i] = LatencyBuckets.upperBoundNs(i) / NANOS_PER_MICRO;
            boundsS[i] = boundsUs[i] / MICROS_PER_SECOND;
        }
        boundsS[boundsS.length - 1] = Double.POSITIVE_INFINITY;
        for (Map.Entry<String, HookStats.Snapshot> e : stats.snapshot().entrySet()) {
            Labels hook = Labels.of("hook", e.getKey());
            HookStats.Snapshot s = e.getValue();
            calls.dataPoint(count(s.calls(), hook));
            results.dataPoint(count(s.allowed(), hook.add("result", "allowed")));
            results.dataPoint(count(s.refused(), hook.add("result", "refused")));
            results.dataPoint(count(s.failed(), hook.add("result", "failed")));
            retries.dataPoint(count(s.retries(), hook));
            latency.dataPoint(HistogramDataPointSnapshot.builder()
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(boundsS, bucketCounts(s.latencyUs(), boundsUs)))
                    .sum(s.latencyUs().getMean() * s.latencyUs().getTotalCount() / MICROS_PER_SECOND)
                    .labels(hook)
                    .build());
        }
        out.add(calls.build());
        out.add(results.build());
        out.add(retries.build());
        out.add(latency.build());
    }

    /** Per bucket (not cumulative), the last one the overflow above the highest bound. */
    static long[] bucketCounts(Histogram latencyUs, long[] boundsUs) {
        long[] counts = new long[boundsUs.length + 1];
        long below = 0;
        for (int i = 0; i < boundsUs.length; i++) {
            long atOrBelow = latencyUs.getTotalCount() == 0 ? 0 : latencyUs.getCountBetweenValues(0, boundsUs[i]);
            counts[i] = atOrBelow - below;
            below = atOrBelow;
        }
        counts[boundsUs.length] = latencyUs.getTotalCount() - below;
        return counts;
    }

    private static CounterDataPointSnapshot count(long value, Labels labels) {
        return CounterDataPointSnapshot.builder().value((double) value).labels(labels).build();
    }
}
