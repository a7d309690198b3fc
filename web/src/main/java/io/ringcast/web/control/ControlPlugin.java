package io.ringcast.web.control;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.plugin.Plugin;

/**
 * The admin API ({@code [control]} section): livego's {@code /control/*} endpoints behind an HS256 JWT made with
 * {@code jwt_secret}. Without a secret the API is off (no endpoint); {@code protect_stats} also puts the read-only
 * stats (the API, the latency report and the stream list page) behind the JWT. {@code jwt_leeway_s} and
 * {@code jwt_max_lifetime_s} set the token time rules of {@link AdminAuth}, which is registered as an engine
 * service for the servlets and checks times on the engine's wall clock.
 */
public final class ControlPlugin implements Plugin {
    private String secret = "";
    private boolean protectStats;
    private long leewaySeconds = AdminAuth.DEFAULT_LEEWAY_S;
    private long maxLifetimeSeconds = AdminAuth.DEFAULT_MAX_LIFETIME_S;
    private Engine engine;
    private AdminAuth auth;

    @Override
    public String name() {
        return "control";
    }

    @Override
    public int order() {
        return 60;
    }

    @Override
    public void configure(ConfigSection section) {
        secret = section.getString("jwt_secret", "");
        protectStats = section.getBoolean("protect_stats", false);
        leewaySeconds = section.getLong("jwt_leeway_s", AdminAuth.DEFAULT_LEEWAY_S, 0, AdminAuth.MAX_LEEWAY_S);
        maxLifetimeSeconds = section.getLong("jwt_max_lifetime_s", AdminAuth.DEFAULT_MAX_LIFETIME_S, 1,
                AdminAuth.MAX_MAX_LIFETIME_S);
        if (!secret.isEmpty() && secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                < AdminAuth.MIN_SECRET_BYTES) {
            throw section.error("jwt_secret", "must have at least " + AdminAuth.MIN_SECRET_BYTES + " bytes for HS256");
        }
        if (protectStats && secret.isEmpty()) {
            throw section.error("protect_stats", "needs a jwt_secret");
        }
    }

    @Override
    public boolean enabled() {
        return !secret.isEmpty();
    }

    /** Whether the stats API needs the admin credential too. */
    public boolean protectStats() {
        return protectStats;
    }

    @Override
    public void start(Engine engine) {
        this.engine = engine;
        auth = new AdminAuth(secret, engine.wallClock(), leewaySeconds, maxLifetimeSeconds);
        engine.registerService(AdminAuth.class, auth);
        engine.registerService(ControlPlugin.class, this);
    }

    @Override
    public void stop() {
        engine.unregisterService(AdminAuth.class, auth);
        engine.unregisterService(ControlPlugin.class, this);
    }
}
