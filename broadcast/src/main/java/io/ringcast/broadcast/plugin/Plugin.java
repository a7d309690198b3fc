package io.ringcast.broadcast.plugin;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.config.ConfigSection;

/**
 * A feature of the server (an ingest protocol, a packager, a recorder), found with {@link java.util.ServiceLoader}
 * and driven by the {@link PluginHost}: configured from its own {@code [name]} section, started after the engine
 * in {@link #order()}, stopped in reverse. Every plugin section has an {@code enable} switch.
 */
public interface Plugin {
    /** Name, also the name of its config section. */
    String name();

    /** Start position; lower starts first. */
    default int order() {
        return 100;
    }

    /** Reads and validates the plugin's section (including {@code enable}); called once, before start. */
    void configure(ConfigSection section);

    /**
     * Reads the plugin's configuration from the whole file; called once, before start. By default its own
     * {@code [name]} section; a plugin that also reads top-level arrays of tables (the relay's {@code [[pull]]})
     * overrides this.
     */
    default void configure(ConfigFile file) {
        configure(file.section(name()));
    }

    /** Whether the configured plugin is enabled. */
    boolean enabled();

    /** Starts the plugin; an exception stops the server's startup with the plugin's name. */
    void start(Engine engine) throws Exception;

    /** Addresses the plugin listens on once started (a port configured as 0 shows its real number). */
    default java.util.List<java.net.InetSocketAddress> boundAddresses() {
        return java.util.List.of();
    }

    /**
     * File descriptors the plugin may hold at once at its configured limits (its connections' sockets, files), for
     * the startup check of the process's limit; 0 when it holds none worth counting.
     */
    default long maxFileDescriptors() {
        return 0;
    }

    /** Stops everything the plugin started: threads, sockets, timers. */
    void stop();
}
