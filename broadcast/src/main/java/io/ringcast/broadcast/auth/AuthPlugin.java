package io.ringcast.broadcast.auth;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.plugin.Plugin;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Who may publish ({@code [auth]} section): open publishing (the default, for trusted LANs) or stream keys per
 * room. Registers the {@link PublishAuthorizer} and the {@link RoomKeys} as engine services: the keys a plugin
 * started before it registered (the cluster's, in Redis), else a {@link StreamKeys} in {@code keys_file}; and
 * with a {@code play_secret} the {@link PlayTokens} that every play request must then carry (valid at most
 * {@code play_max_lifetime_s} ahead, on the engine's wall clock); starts before the protocols.
 */
public final class AuthPlugin implements Plugin {
    private boolean publishKeys;
    private Path keysFile;
    private String playSecret;
    private long playMaxLifetimeSeconds = PlayTokens.DEFAULT_MAX_LIFETIME_S;
    private PlayTokens playTokens;
    private Engine engine;
    private PublishAuthorizer authorizer;
    private RoomKeys ownKeys;

    @Override
    public String name() {
        return "auth";
    }

    @Override
    public int order() {
        return 0;
    }

    @Override
    public void configure(ConfigSection section) {
        publishKeys = section.getBoolean("publish_keys", false);
        keysFile = Path.of(section.getString("keys_file", "stream-keys.txt"));
        playSecret = section.getString("play_secret", "");
        playMaxLifetimeSeconds = section.getLong("play_max_lifetime_s", PlayTokens.DEFAULT_MAX_LIFETIME_S, 1,
                366L * 86_400);
        if (!playSecret.isEmpty()
                && playSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < PlayTokens.MIN_SECRET_BYTES) {
            throw section.error("play_secret", "must have at least " + PlayTokens.MIN_SECRET_BYTES + " bytes");
        }
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void start(Engine engine) throws IOException {
        this.engine = engine;
        RoomKeys keys = engine.service(RoomKeys.class);
        if (keys == null) {
            ownKeys = StreamKeys.load(keysFile);
            keys = ownKeys;
            engine.registerService(RoomKeys.class, keys);
        }
        authorizer = publishKeys ? new KeyedPublishAuthorizer(keys) : PublishAuthorizer.OPEN;
        engine.registerService(PublishAuthorizer.class, authorizer);
        if (!playSecret.isEmpty()) {
            playTokens = new PlayTokens(playSecret, engine.wallClock(), playMaxLifetimeSeconds);
            engine.registerService(PlayTokens.class, playTokens);
        }
    }

    @Override
    public void stop() {
        engine.unregisterService(PublishAuthorizer.class, authorizer);
        if (playTokens != null) {
            engine.unregisterService(PlayTokens.class, playTokens);
        }
        if (ownKeys != null) {
            engine.unregisterService(RoomKeys.class, ownKeys);
        }
    }
}
