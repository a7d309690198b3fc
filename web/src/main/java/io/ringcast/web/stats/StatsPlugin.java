package io.ringcast.web.stats;

import io.ringcast.web.EndpointPlugin;

/** The stats API ({@code /api/*}, {@link StatsServlet}) as a plugin, section {@code [stats]}. */
public final class StatsPlugin extends EndpointPlugin {
    public StatsPlugin() {
        super("stats");
    }
}
