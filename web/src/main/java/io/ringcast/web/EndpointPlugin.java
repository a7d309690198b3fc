package io.ringcast.web;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.plugin.Plugin;

/**
 * A plugin that is nothing but a group of servlets (HTTP-FLV, stats, pages): its section holds only {@code enable}.
 * While started it is an engine service under its own type, which is how {@link RingcastServletContextListener}
 * decides to map its servlets, in any container. Startup and shutdown only; one thread.
 */
public abstract class EndpointPlugin implements Plugin {
    /** After the protocols and packagers; nothing depends on when the endpoint plugins start. */
    private static final int ORDER = 90;

    private final String name;
    private boolean enable = true;
    private Engine engine;

    protected EndpointPlugin(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int order() {
        return ORDER;
    }

    @Override
    public final void configure(ConfigSection section) {
        enable = section.getBoolean("enable", true);
    }

    @Override
    public final boolean enabled() {
        return enable;
    }

    @Override
    public final void start(Engine started) {
        engine = started;
        register(getClass());
    }

    @Override
    public final void stop() {
        if (engine != null) {
            unregister(getClass());
            engine = null;
        }
    }

    private <T extends EndpointPlugin> void register(Class<T> type) {
        engine.registerService(type, type.cast(this));
    }

    private <T extends EndpointPlugin> void unregister(Class<T> type) {
        engine.unregisterService(type, type.cast(this));
    }
}
