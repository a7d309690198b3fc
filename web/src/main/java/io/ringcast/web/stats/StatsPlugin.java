package io.ringcast.web.stats;

import io.ringcast.web.EndpointPlugin;

/**
 * The read-only stats endpoints as a plugin, section {@code [stats]}: the stats API ({@code /api/*},
 * {@link StatsServlet}) and the latency report ({@code /ops/latency}, {@code /ops/latency.csv},
 * {@link io.ringcast.web.report.LatencyReportServlet}).
 */
public final class StatsPlugin extends EndpointPlugin {
    public StatsPlugin() {
        super("stats");
    }
}
