package io.ringcast.web.metrics;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.plugin.Plugin;
import io.ringcast.broadcast.stream.Stream;

/**
 * The {@code [metrics]} section and what {@code GET /metrics} serves: a registry of its own (never the library's
 * global default one, so two servers in one JVM, or two web applications in one container, stay apart) holding
 * the {@link RingcastCollector} and the library's JVM metrics. While started it is an engine service, which is how
 * the servlet context listener decides to map {@link MetricsServlet}. Startup and shutdown only; one thread.
 */
public final class MetricsPlugin implements Plugin {
    /** After the protocols and packagers, as the other endpoint plugins. */
    private static final int ORDER = 90;

    private MetricsConfig config = MetricsConfig.DEFAULTS;
    private Engine engine;
    private ClosedStreamTotals closed;
    private PrometheusRegistry registry;

    @Override
    public String name() {
        return "metrics";
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public void configure(ConfigSection section) {
        config = MetricsConfig.from(section);
    }

    @Override
    public boolean enabled() {
        return config.enable();
    }

    public MetricsConfig config() {
        return config;
    }

    /** What a scrape reads; null while stopped. */
    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void start(Engine started) {
        engine = started;
        closed = new ClosedStreamTotals();
        engine.streams().addListener(closed);
        for (Stream s : engine.streams().streams()) {
            closed.onStreamStarted(s); // streams of plugins started before this one
        }
        PrometheusRegistry created = new PrometheusRegistry();
        created.register(new RingcastCollector(engine, config, closed));
        JvmMetrics.builder().register(created);
        registry = created;
        engine.registerService(MetricsPlugin.class, this);
    }

    @Override
    public void stop() {
        if (engine != null) {
            engine.unregisterService(MetricsPlugin.class, this);
            engine.streams().removeListener(closed);
            // The JVM instrumentation remembers every registry it was registered with, statically: empty it so
            // that memory keeps no collector, and through it no engine, of a stopped server.
            registry.clear();
            registry = null;
            engine = null;
        }
    }
}
