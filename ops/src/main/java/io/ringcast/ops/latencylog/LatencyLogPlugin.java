package io.ringcast.ops.latencylog;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.plugin.Plugin;

import java.nio.file.Path;

/**
 * The latency interval log as an engine plugin, section {@code [latency_log]}: registers a {@link LatencyLogWriter}
 * as the engine's latency listener, and itself as an engine service for the {@code /ops/latency} report. Off by
 * default (it writes files). Startup and shutdown only.
 */
public final class LatencyLogPlugin implements Plugin {
    private boolean enable;
    private LatencyLogConfig config = LatencyLogConfig.defaults();
    private Engine engine;
    private volatile LatencyLogWriter writer;

    @Override
    public String name() {
        return "latency_log";
    }

    @Override
    public void configure(ConfigSection s) {
        enable = s.getBoolean("enable", false);
        String directory = s.getString("directory", LatencyLogConfig.DEFAULT_DIRECTORY);
        if (directory.isBlank()) {
            throw s.error("directory", "must not be empty");
        }
        int intervalS = s.getInt("interval_s", LatencyLogConfig.DEFAULT_INTERVAL_S, 1, LatencyLogConfig.MAX_INTERVAL_S);
        int retainDays = s.getInt("retain_days", LatencyLogConfig.DEFAULT_RETAIN_DAYS, 0,
                LatencyLogConfig.MAX_RETAIN_DAYS);
        config = new LatencyLogConfig(Path.of(directory), intervalS, retainDays);
    }

    @Override
    public boolean enabled() {
        return enable;
    }

    /** The configuration in effect (after {@link #configure}). */
    public LatencyLogConfig config() {
        return config;
    }

    @Override
    public void start(Engine engine) throws java.io.IOException {
        this.engine = engine;
        writer = new LatencyLogWriter(config);
        engine.addLatencyListener(writer);
        engine.registerService(LatencyLogPlugin.class, this);
    }

    /** The running writer (its pending window), null when stopped. */
    public LatencyLogWriter writer() {
        return writer;
    }

    @Override
    public void stop() {
        if (writer != null) {
            engine.unregisterService(LatencyLogPlugin.class, this);
            engine.removeLatencyListener(writer);
            writer.close();
            writer = null;
        }
    }
}
