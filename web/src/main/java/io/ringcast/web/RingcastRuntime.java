package io.ringcast.web;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.config.EngineConfigs;
import io.ringcast.broadcast.plugin.Plugin;
import io.ringcast.broadcast.plugin.PluginHost;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.web.httpflv.ProxyPullConfig;

import java.util.List;

/**
 * The engine and the plugins of one deployment, whoever serves HTTP: the embedded {@link RingcastServer} or a servlet
 * container through {@link RingcastServletContextListener}. Started and closed by one thread (main, a test, or the
 * container's deployment thread); the running parts have their own threads, and {@link #close()} stops and joins
 * every one of them.
 */
public final class RingcastRuntime implements AutoCloseable {
    private final Engine engine;
    private final PluginHost plugins;
    private final HttpConfig http;
    private boolean closed;

    private RingcastRuntime(Engine engine, PluginHost plugins, HttpConfig http) {
        this.engine = engine;
        this.plugins = plugins;
        this.http = http;
    }

    /**
     * Reads every section ({@code [Engine]}, {@code [ring]}, {@code [http]}, each plugin's, and {@code [relay]}'s
     * {@code proxy_path}: {@link ProxyPullConfig}), rejects unknown ones,
     * then starts the engine and the enabled plugins in order; the engine is closed again if a plugin fails.
     *
     * @param pluginLoader the class loader whose {@code META-INF/services} name the plugins: the application class
     *                     loader when embedded, the web application's in a container
     * @throws io.ringcast.broadcast.config.ConfigException when the configuration is unusable
     */
    public static RingcastRuntime start(ConfigFile config, ClassLoader pluginLoader) {
        EngineConfig engineConfig = EngineConfigs.engine(config);
        RingConfig ringConfig = EngineConfigs.ring(config);
        LimitsConfig limits = EngineConfigs.limits(config);
        io.ringcast.broadcast.stream.BackupConfig backup = EngineConfigs.backup(config);
        HttpConfig http = HttpConfig.read(config);
        ProxyPullConfig proxy = ProxyPullConfig.read(config);
        PluginHost plugins = PluginHost.discover(pluginLoader);
        plugins.configure(config);
        config.requireAllKeysUsed();

        Engine engine = new Engine(engineConfig, ringConfig, limits, NanoClock.SYSTEM, http.fanoutThreads()).start();
        engine.streams().configureBackup(backup);
        engine.registerService(ProxyPullConfig.class, proxy);
        try {
            plugins.start(engine);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        return new RingcastRuntime(engine, plugins, http);
    }

    public Engine engine() {
        return engine;
    }

    /** The {@code [http]} section as read; only the embedded server listens where it says. */
    public HttpConfig http() {
        return http;
    }

    /** Names of the plugins that run, in start order. */
    public List<String> startedPlugins() {
        return plugins.plugins().stream().map(Plugin::name).filter(n -> plugins.started(n).isPresent()).toList();
    }

    /** File descriptors the started plugins may hold at their configured limits. */
    public long pluginFileDescriptors() {
        return plugins.plugins().stream().filter(p -> plugins.started(p.name()).isPresent())
                .mapToLong(Plugin::maxFileDescriptors).sum();
    }

    /** The port a started plugin listens on (e.g. "rtmp"), for tests and logs; fails if it does not run. */
    public int pluginPort(String name) {
        return plugins.started(name).orElseThrow(() -> new IllegalStateException("plugin " + name + " not running"))
                .boundAddresses().get(0).getPort();
    }

    /**
     * Ends every viewer (the fan-out workers close their subscriptions, so HTTP-FLV responses end cleanly while the
     * HTTP server still runs). Idempotent; {@link #close()} does it too.
     */
    public void endViewers() {
        engine.fanout().close();
    }

    /** Ends the viewers, stops the plugins in reverse order, then the engine; returns once their threads ended. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        endViewers();
        plugins.close();
        engine.close();
    }
}
