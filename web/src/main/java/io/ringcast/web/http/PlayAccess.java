package io.ringcast.web.http;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.auth.PlayTokens;
import io.ringcast.web.RingcastContext;
import jakarta.servlet.ServletContext;

/**
 * Play protection for the HTTP viewers (HTTP-FLV, HLS): when the server has a play secret, a request must carry a
 * valid {@code expires}/{@code token} pair for its stream (checked by the endpoint filter,
 * {@link io.ringcast.web.endpoint.Access#PLAY}); these are its query parameters. Stateless; request threads.
 */
public final class PlayAccess {
    public static final String EXPIRES = PlayTokens.EXPIRES;
    public static final String TOKEN = PlayTokens.TOKEN;

    private PlayAccess() {
    }

    /** Whether play URLs must be signed in this deployment. */
    public static boolean required(ServletContext context) {
        return tokens(context) != null;
    }

    private static PlayTokens tokens(ServletContext context) {
        Object engine = context.getAttribute(RingcastContext.ENGINE_ATTRIBUTE);
        return engine instanceof Engine e ? e.service(PlayTokens.class) : null;
    }
}
