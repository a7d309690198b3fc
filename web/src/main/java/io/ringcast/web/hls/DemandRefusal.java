package io.ringcast.web.hls;

import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.web.http.Cors;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The answer to a playlist request whose stream cannot be had now: 503 with the reason and a Retry-After of 5 s
 * when a limit refused it, 1 s when its on-demand source cannot tell (the cluster's directory is down).
 */
public final class DemandRefusal {
    private DemandRefusal() {
    }

    /** @param refusal a {@link LimitExceededException} or a {@code SourceUnavailableException} */
    public static void answer(RuntimeException refusal, HttpServletResponse response, boolean withBody)
            throws IOException {
        response.setHeader("Retry-After", refusal instanceof LimitExceededException ? "5" : "1");
        Cors.textError(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, refusal.getMessage(), withBody);
    }
}
