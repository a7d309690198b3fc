package io.ringcast.ingest;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.plugin.Plugin;
import io.ringcast.ingest.server.RtmpServer;

import java.net.InetSocketAddress;

/** The RTMP listener as an engine plugin, section {@code [rtmp]}. Startup and shutdown only. */
public final class RtmpPlugin implements Plugin {
    private RtmpConfig config = RtmpConfig.DEFAULTS;
    private RtmpServer server;

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
        server = new RtmpServer(config, engine);
        server.start();
    }

    @Override
    public java.util.List<InetSocketAddress> boundAddresses() {
        return server == null ? java.util.List.of() : java.util.List.of(server.localAddress());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
