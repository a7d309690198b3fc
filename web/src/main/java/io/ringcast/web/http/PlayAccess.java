package io.ringcast.web.http;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.auth.PlayTokens;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.web.RingcastContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Play protection for the HTTP viewers (HTTP-FLV, HLS): when the server has a play secret, a request must carry a
 * valid {@code expires}/{@code token} pair for its stream, else it gets 403 with the reason. Stateless; request
 * threads.
 */
public final class PlayAccess {
    public static final String EXPIRES = "expires";
    public static final String TOKEN = "token";

    private PlayAccess() {
    }

    /** Whether the request may play {@code path}; answers 403 itself when it may not. */
    public static boolean allowed(ServletContext context, StreamPath path, HttpServletRequest request,
                                  HttpServletResponse response, boolean withBody) throws IOException {
        PlayTokens tokens = tokens(context);
        if (tokens == null) {
            return true;
        }
        PlayTokens.Check check = tokens.check(path, request.getParameter(EXPIRES), request.getParameter(TOKEN));
        if (!check.allowed()) {
            Cors.textError(response, HttpServletResponse.SC_FORBIDDEN, "play refused: " + check.reason(), withBody);
        }
        return check.allowed();
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
