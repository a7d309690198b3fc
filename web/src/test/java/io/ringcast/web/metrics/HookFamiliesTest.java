package io.ringcast.web.metrics;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.ringcast.broadcast.hooks.HookEvent;
import io.ringcast.broadcast.hooks.HookStats;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hooks' series: calls, results, retries and a latency histogram per hook, as a scraper reads them. */
class HookFamiliesTest {
    @Test
    void shouldExposeEachHooksCountsAndLatencyBuckets() throws Exception {
        HookStats stats = new HookStats();
        stats.called(HookEvent.PLAY);
        stats.allowed(HookEvent.PLAY);
        stats.latencyUs(HookEvent.PLAY, 150);
        stats.called(HookEvent.PLAY);
        stats.refused(HookEvent.PLAY);
        stats.latencyUs(HookEvent.PLAY, 180_000);
        stats.called(HookEvent.UNPUBLISH);
        stats.failed(HookEvent.UNPUBLISH);
        stats.retried(HookEvent.UNPUBLISH);
        List<MetricSnapshot> out = new ArrayList<>();
        HookFamilies.addTo(stats, out);
        Scrape scrape = Scrape.of(new MetricSnapshots(out));

        assertEquals(2.0, scrape.get("ringcast_hook_calls_total{hook=\"play\"}"), scrape.text());
        assertEquals(1.0, scrape.get("ringcast_hook_results_total{hook=\"play\",result=\"allowed\"}"));
        assertEquals(1.0, scrape.get("ringcast_hook_results_total{hook=\"play\",result=\"refused\"}"));
        assertEquals(1.0, scrape.get("ringcast_hook_results_total{hook=\"unpublish\",result=\"failed\"}"));
        assertEquals(1.0, scrape.get("ringcast_hook_retries_total{hook=\"unpublish\"}"));
        assertEquals(0.0, scrape.get("ringcast_hook_latency_seconds_bucket{hook=\"play\",le=\"1.0E-4\"}"),
                scrape.text());
        assertEquals(1.0, scrape.get("ringcast_hook_latency_seconds_bucket{hook=\"play\",le=\"2.0E-4\"}"));
        assertEquals(1.0, scrape.get("ringcast_hook_latency_seconds_bucket{hook=\"play\",le=\"0.1\"}"));
        assertEquals(2.0, scrape.get("ringcast_hook_latency_seconds_bucket{hook=\"play\",le=\"0.2\"}"));
        assertEquals(2.0, scrape.get("ringcast_hook_latency_seconds_count{hook=\"play\"}"));
        assertEquals(0.0, scrape.get("ringcast_hook_latency_seconds_count{hook=\"stop\"}"));
    }
}
