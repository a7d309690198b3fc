package io.ringcast.web.metrics;

import io.ringcast.broadcast.config.ConfigSection;

/**
 * The {@code [metrics]} section.
 *
 * @param enable             whether {@code GET /metrics} is served (default true)
 * @param perStream          whether streams get series of their own, labelled {@code app} and {@code name}
 *                           (default true)
 * @param maxStreamsLabelled at most this many streams are labelled (the first by path); the others are only
 *                           counted in {@code ringcast_streams_unlabelled} (default 1000)
 */
public record MetricsConfig(boolean enable, boolean perStream, int maxStreamsLabelled) {
    public static final int DEFAULT_MAX_STREAMS_LABELLED = 1_000;
    /** Beyond this a scrape would hold millions of series: a typo, not a plan. */
    public static final int MAX_MAX_STREAMS_LABELLED = 100_000;
    public static final MetricsConfig DEFAULTS = new MetricsConfig(true, true, DEFAULT_MAX_STREAMS_LABELLED);

    public MetricsConfig {
        if (maxStreamsLabelled < 0 || maxStreamsLabelled > MAX_MAX_STREAMS_LABELLED) {
            throw new IllegalArgumentException("max_streams_labelled must be between 0 and "
                    + MAX_MAX_STREAMS_LABELLED + ", is " + maxStreamsLabelled);
        }
    }

    /** Reads and checks the section; a wrong type or range stops startup with the key named. */
    public static MetricsConfig from(ConfigSection section) {
        return new MetricsConfig(section.getBoolean("enable", true), section.getBoolean("per_stream", true),
                section.getInt("max_streams_labelled", DEFAULT_MAX_STREAMS_LABELLED, 0, MAX_MAX_STREAMS_LABELLED));
    }
}
