package io.ringcast.broadcast.auth;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.plugin.Plugin;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Who may publish ({@code [auth]} section): open publishing (the default, for trusted LANs) or stream keys per
 * room, stored in {@code keys_file}. Registers the {@link PublishAuthorizer} and, with keys, the
 * {@link StreamKeys} as engine services; starts before the protocols.
 */
public final class AuthPlugin implements Plugin {
    private boolean publishKeys;
    private Path keysFile;
    private Engine engine;
    private PublishAuthorizer authorizer;

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
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void start(Engine engine) throws IOException {
        this.engine = engine;
        StreamKeys keys = StreamKeys.load(keysFile);
        engine.registerService(StreamKeys.class, keys);
        authorizer = publishKeys ? new KeyedPublishAuthorizer(keys) : PublishAuthorizer.OPEN;
        engine.registerService(PublishAuthorizer.class, authorizer);
    }

    @Override
    public void stop() {
        engine.unregisterService(PublishAuthorizer.class, authorizer);
        StreamKeys keys = engine.service(StreamKeys.class);
        if (keys != null) {
            engine.unregisterService(StreamKeys.class, keys);
        }
    }
}
