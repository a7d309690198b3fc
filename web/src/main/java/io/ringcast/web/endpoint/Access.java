package io.ringcast.web.endpoint;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.auth.PlayTokens;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.web.control.AdminAuth;
import io.ringcast.web.http.PlayAccess;
import io.ringcast.web.stats.StatsAccess;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Who may use an endpoint, decided from the engine's services at each request (the plugins that register them run
 * as long as the deployment). Stateless; request threads.
 */
public enum Access {
    /** Anyone. */
    PUBLIC,
    /** Viewers: with {@code [auth] play_secret}, only requests with a valid {@code expires}/{@code token} pair. */
    PLAY,
    /** Stats readers: anyone, or with {@code [control] protect_stats} holders of the admin JWT. */
    STATS,
    /** Administrators: holders of the admin JWT; nobody when no {@code [control] jwt_secret} is set. */
    ADMIN;

    static final AdminAuth.Verdict ADMIN_DISABLED = new AdminAuth.Verdict(false, 403,
            "the admin API is disabled: no [control] jwt_secret");

    /**
     * Whether {@code request} may go on, and else the status and reason to answer.
     *
     * @param stream the stream a {@link #PLAY} request names; ignored by the others
     */
    AdminAuth.Verdict check(Engine engine, StreamPath stream, HttpServletRequest request) {
        return switch (this) {
            case PUBLIC -> AdminAuth.Verdict.OK;
            case PLAY -> play(engine, stream, request);
            case STATS -> StatsAccess.check(engine, request);
            case ADMIN -> {
                AdminAuth auth = engine.service(AdminAuth.class);
                yield auth == null ? ADMIN_DISABLED : auth.check(request);
            }
        };
    }

    private static AdminAuth.Verdict play(Engine engine, StreamPath stream, HttpServletRequest request) {
        PlayTokens tokens = engine.service(PlayTokens.class);
        if (tokens == null) {
            return AdminAuth.Verdict.OK;
        }
        PlayTokens.Check check = tokens.check(stream, request.getParameter(PlayAccess.EXPIRES),
                request.getParameter(PlayAccess.TOKEN));
        return check.allowed() ? AdminAuth.Verdict.OK : new AdminAuth.Verdict(false, 403, check.reason());
    }
}
