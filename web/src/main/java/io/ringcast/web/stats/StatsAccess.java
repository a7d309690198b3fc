package io.ringcast.web.stats;

import io.ringcast.broadcast.Engine;
import io.ringcast.web.control.AdminAuth;
import io.ringcast.web.control.ControlPlugin;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Who may read stats: the read-only endpoints ({@code /api/*}, {@code /ops/latency}), the stream list page and the
 * codec facts of the player page. Anyone, or with {@code [control] protect_stats} only holders of the admin JWT.
 * Any thread.
 */
public final class StatsAccess {
    private StatsAccess() {
    }

    /** Whether the request may read stats, and else the status and reason to answer. */
    public static AdminAuth.Verdict check(Engine engine, HttpServletRequest request) {
        ControlPlugin control = engine.service(ControlPlugin.class);
        if (control == null || !control.protectStats()) {
            return AdminAuth.Verdict.OK;
        }
        return engine.service(AdminAuth.class).check(request);
    }
}
