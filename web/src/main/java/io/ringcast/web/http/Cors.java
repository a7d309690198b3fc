package io.ringcast.web.http;

import jakarta.servlet.http.HttpServletResponse;

import java.nio.charset.StandardCharsets;

/**
 * Response helpers shared by the servlets: CORS headers (players and dashboards run on other origins) and short
 * plain-text errors. Stateless; any request thread.
 */
public final class Cors {
    /** How long browsers may cache a preflight answer. */
    public static final int PREFLIGHT_MAX_AGE_SECONDS = 86_400;

    private Cors() {
    }

    /** The header every response carries: any origin may read it. */
    public static void allowAnyOrigin(HttpServletResponse response) {
        response.setHeader("Access-Control-Allow-Origin", "*");
    }

    /** Answers a CORS preflight: 204 with the allowed methods and headers. */
    public static void preflight(HttpServletResponse response, String allowedMethods) {
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        allowAnyOrigin(response);
        response.setHeader("Access-Control-Allow-Methods", allowedMethods);
        response.setHeader("Access-Control-Allow-Headers", "*");
        response.setHeader("Access-Control-Max-Age", Integer.toString(PREFLIGHT_MAX_AGE_SECONDS));
        response.setHeader("Allow", allowedMethods);
    }

    /** A short plain-text error with CORS and no caching; blocking write on the request thread. */
    public static void textError(HttpServletResponse response, int status, String message, boolean withBody)
            throws java.io.IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        allowAnyOrigin(response);
        response.setHeader("Cache-Control", "no-cache");
        response.setContentType("text/plain;charset=utf-8");
        response.setContentLength(body.length);
        if (withBody) {
            response.getOutputStream().write(body);
        }
    }
}
