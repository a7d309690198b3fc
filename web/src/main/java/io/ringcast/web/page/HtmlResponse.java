package io.ringcast.web.page;

import io.ringcast.web.http.ResponseBody;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Sends rendered pages and small error pages with the headers every page gets. Stateless; any thread. */
final class HtmlResponse {
    static final String CONTENT_TYPE = "text/html; charset=utf-8";
    /**
     * Everything from this server only: the pages load no external resources. {@code blob:} is for the object URL
     * MSE players give the video element and for hls.js's inline worker.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self'; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";
    private static final PageTemplate ERROR = PageTemplate.load("io/ringcast/web/page/error.html");

    private HtmlResponse() {
    }

    /**
     * Sends {@code html} complete, with a content length, so a page is never cut off half way; a long page goes out
     * without blocking the request thread on a client that does not read it.
     */
    static void send(HttpServletRequest request, HttpServletResponse response, int status, String html,
                     boolean withBody) throws IOException {
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ResponseBody.send(request, response, bytes, withBody);
    }

    /** A small error page naming the problem, with a link back to the stream list. */
    static void error(HttpServletRequest request, HttpServletResponse response, int status, String message,
                      boolean withBody) throws IOException {
        String html = ERROR.render(java.util.Map.of(
                "status", Integer.toString(status),
                "message", message,
                "home", request.getContextPath() + "/"));
        send(request, response, status, html, withBody);
    }
}
