package io.ringcast.web.latencylog;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.plugin.Plugin;

import java.nio.file.Path;

/**
 * The latency interval log as an engine plugin, section {@code [latency_log]}: registers a {@link LatencyLogWriter}
 * as the engine's latency listener. Off by default (it writes files). Startup and shutdown only.
 */
public final class LatencyLogPlugin implements Plugin {
    private boolean enable;
    private LatencyLogConfig config = LatencyLogConfig.defaults();
    private Engine engine;
    private LatencyLogWriter writer;

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
        config = new LatencyLogConfig(Path.of(directory), intervalS);
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
    }

    @Override
    public void stop() {
        if (writer != null) {
            engine.removeLatencyListener(writer);
            writer.close();
            writer = null;
        }
    }
}
