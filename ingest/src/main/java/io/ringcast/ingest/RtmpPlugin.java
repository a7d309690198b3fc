package io.ringcast.ingest;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.auth.PublishAuthorizer;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.plugin.Plugin;
import io.ringcast.ingest.server.RtmpServer;

import java.net.InetSocketAddress;

/**
 * The RTMP listener as an engine plugin, section {@code [rtmp]}; while started also an engine service, so the web
 * can name its port (livego's {@code /stat/livestat} URLs). Startup and shutdown only.
 */
public final class RtmpPlugin implements Plugin {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RtmpPlugin.class);
    private RtmpConfig config = RtmpConfig.DEFAULTS;
    private RtmpServer server;
    /** {@link RtmpServer#connectionCount()} as registered in the engine's counters, to unregister it. */
    private java.util.function.IntSupplier openConnections;
    private Engine engine;

    @Override
    public String name() {
        return "rtmp";
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public void configure(ConfigSection section) {
        config = RtmpConfig.from(section);
    }

    @Override
    public boolean enabled() {
        return config.enable();
    }

    @Override
    public void start(Engine engine) throws Exception {
        this.engine = engine;
        server = new RtmpServer(config, engine);
        server.start();
        // Relays recognise URLs of this listener (loops); livestat names its port in the URLs it shows.
        engine.registerService(RtmpServer.class, server);
        openConnections = server::connectionCount;
        engine.counters().countOpenConnections("rtmp", openConnections);
        PublishAuthorizer authorizer = engine.service(PublishAuthorizer.class);
        boolean loopbackOnly = server.localAddress().getAddress().isLoopbackAddress();
        if ((authorizer == null || authorizer.isOpen()) && !loopbackOnly) {
            LOG.warn("RTMP on {} accepts publishing WITHOUT stream keys from any host that can reach it; set "
                    + "[auth] publish_keys = true unless this network is trusted", server.localAddress());
        }
    }

    @Override
    public java.util.List<InetSocketAddress> boundAddresses() {
        return server == null ? java.util.List.of() : java.util.List.of(server.localAddress());
    }

    @Override
    public long maxFileDescriptors() {
        return RtmpServer.maxFileDescriptors(config);
    }

    @Override
    public void stop() {
        if (server != null) {
            engine.unregisterService(RtmpServer.class, server);
            engine.counters().stopCountingOpenConnections("rtmp", openConnections);
            server.close();
            server = null;
        }
    }
}
