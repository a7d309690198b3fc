package io.ringcast.ingest.cluster;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.auth.RoomKeys;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.plugin.Plugin;
import io.ringcast.ingest.server.RtmpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * The cluster as an engine plugin, section {@code [cluster]}; on only when {@code directory} is set (else it
 * registers nothing and the server behaves as a single one). Starts before the auth plugin (order -10): opens the
 * Redis client, registers the {@link StreamDirectory} and the {@link RoomKeys} in Redis as engine services, sets the
 * publish claim as the registry's {@link io.ringcast.broadcast.stream.PublishGate} and starts the cluster thread.
 * Startup and shutdown only.
 */
public final class ClusterPlugin implements Plugin {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterPlugin.class);

    private ClusterConfig config;
    private Engine engine;
    private UnifiedJedis redis;
    private RedisStreamDirectory directory;
    private ClusterPublishGate gate;
    private RoomKeys roomKeys;
    private ClusterPulls pulls;

    @Override
    public String name() {
        return ClusterConfigReader.SECTION;
    }

    @Override
    public int order() {
        return -10;
    }

    /** Reads {@code [cluster]} and {@code [rtmp] port} (the default of {@code advertise_rtmp}). */
    @Override
    public void configure(ConfigFile file) {
        config = ClusterConfigReader.read(file);
    }

    /** Without the whole file: {@code [cluster]} alone, the RTMP port its default. */
    @Override
    public void configure(ConfigSection section) {
        config = ClusterConfigReader.read(section, io.ringcast.ingest.RtmpConfig.DEFAULT_PORT,
                () -> "localhost");
    }

    @Override
    public boolean enabled() {
        return config != null && config.enabled();
    }

    public ClusterConfig config() {
        return config;
    }

    @Override
    public void start(Engine engine) {
        this.engine = engine;
        redis = RedisClients.open(config);
        directory = new RedisStreamDirectory(config, redis, engine.clock(), engine.wallClock());
        directory.resolveRtmpPortWith(() -> {
            RtmpServer rtmp = engine.service(RtmpServer.class);
            return rtmp == null ? 0 : rtmp.localAddress().getPort();
        });
        directory.start();
        engine.registerService(StreamDirectory.class, directory);
        roomKeys = new RedisRoomKeys(redis, engine.clock(), RedisRoomKeys.DEFAULT_CACHE_MAX_AGE_MS,
                RedisRoomKeys.DEFAULT_CACHE_CAPACITY);
        engine.registerService(RoomKeys.class, roomKeys);
        gate = new ClusterPublishGate(config.role(), directory);
        engine.streams().setPublishGate(gate);
        // Asked before the relay's rules (registered later): a path the directory names is pulled from its node.
        pulls = new ClusterPulls(directory, config, engine);
        engine.streams().addOnDemandSource(pulls);
        LOG.info("cluster node {} ({}) advertised as {} and {}; directory {} ({})", config.nodeId(),
                RedisStreamDirectory.roleName(config.role()), config.advertiseHttp(), config.advertiseRtmp(),
                RedisClients.shown(config.directory()), directory.status().up() ? "up" : "DOWN");
    }

    /** The cluster's Redis client while started (for the cluster's other parts: on-demand pulls), else null. */
    UnifiedJedis redis() {
        return redis;
    }

    /** The directory while started, else null. */
    RedisStreamDirectory directory() {
        return directory;
    }

    @Override
    public void stop() {
        if (directory == null) {
            return;
        }
        engine.streams().removeOnDemandSource(pulls);
        engine.streams().clearPublishGate(gate);
        engine.unregisterService(RoomKeys.class, roomKeys);
        engine.unregisterService(StreamDirectory.class, directory);
        directory.close();
        redis.close();
        directory = null;
        redis = null;
    }
}
