package io.ringcast.ingest.relay;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.plugin.Plugin;
import io.ringcast.ingest.server.RtmpServer;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Relays as an engine plugin: {@code [relay]}, {@code [[pull]]}, {@code [[push]]} and {@code [origins]}. Started
 * after the RTMP listener: registers {@link Relays} as an engine service, the on-demand pull rules as an
 * {@link io.ringcast.broadcast.stream.OnDemandSource}, the push rules as a stream listener, and starts the always-on
 * pulls. Startup and shutdown only; relays run on the relay pool.
 */
public final class RelayPlugin implements Plugin {
    private RelayConfig config = RelayConfig.DEFAULTS;
    private PoolRelayTasks tasks;
    private RelayManager manager;
    private Engine engine;

    @Override
    public String name() {
        return RelayConfig.SECTION;
    }

    @Override
    public int order() {
        return 70;
    }

    @Override
    public void configure(ConfigFile file) {
        config = RelayConfig.read(file);
    }

    /** Without the whole file: only {@code enable} of {@code [relay]}, no rules. */
    @Override
    public void configure(ConfigSection section) {
        RelayConfig d = RelayConfig.DEFAULTS;
        config = new RelayConfig(section.getBoolean("enable", d.enable()), d.allowHosts(), d.maxPulls(),
                d.maxPushes(), d.connectTimeoutMs(), d.readTimeoutMs(), d.backoffMinMs(), d.backoffMaxMs(), d.pulls(),
                d.pushes(), d.origins());
    }

    @Override
    public boolean enabled() {
        return config.enable();
    }

    public RelayConfig config() {
        return config;
    }

    @Override
    public void start(Engine engine) {
        this.engine = engine;
        tasks = new PoolRelayTasks(engine.clock(), config.maxPulls() + config.maxPushes());
        Backoff backoff = new Backoff(config.backoffMinMs(), config.backoffMaxMs(),
                () -> ThreadLocalRandom.current().nextDouble());
        RelayContext ctx = new RelayContext(engine.streams(), engine.fanout(), engine.rings(), engine.clock(),
                engine.wallClock(), tasks, backoff, UpstreamClients.pulls(config, engine.clock()),
                UpstreamClients.pushes(config, engine.clock()),
                RelayLog.SLF4J, RelayContext.DEFAULT_STABLE_LIVE_MS);
        manager = new RelayManager(config, ctx, new LoopGuard(() -> {
            RtmpServer rtmp = engine.service(RtmpServer.class);
            return rtmp == null ? null : rtmp.localAddress();
        }));
        engine.registerService(Relays.class, manager);
        engine.registerService(RelayManager.class, manager); // the cluster's pulls start through it
        engine.streams().addOnDemandSource(manager);
        engine.streams().addListener(manager);
        manager.startAlwaysOnPulls();
    }

    @Override
    public void stop() {
        if (manager != null) {
            engine.unregisterService(Relays.class, manager);
            engine.unregisterService(RelayManager.class, manager);
            engine.streams().removeListener(manager);
            manager.close();
            tasks.close();
            manager = null;
        }
    }
}
