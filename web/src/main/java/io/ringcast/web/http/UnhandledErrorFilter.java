package io.ringcast.web.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one place where a failure no servlet handled becomes an HTTP answer: the exception is logged with a short
 * random id, and the client gets 500 with that id only, never the exception's class, message or stack trace (which
 * tell an attacker what runs and where it broke). Mapped to {@code /*}, outermost, by the servlet context listener,
 * so it covers every servlet in the embedded server and in a WAR; the embedded server also turns the container's own
 * stack-trace pages off. Stateless; request threads.
 *
 * <p>An {@link IOException} on a response already committed is a client that went away mid-answer: logged at debug,
 * nothing to answer. A failure after the request went async ends the async cycle without a body (the servlet may
 * have handed the stream to a write listener).
 */
public final class UnhandledErrorFilter extends HttpFilter {
    /** Response header carrying the id, for clients that log headers rather than bodies. */
    public static final String ERROR_ID_HEADER = "X-Error-Id";
    private static final Logger LOG = LoggerFactory.getLogger(UnhandledErrorFilter.class);

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException {
        try {
            chain.doFilter(request, response);
        } catch (IOException e) {
            if (response.isCommitted()) {
                LOG.debug("{} {}: the client went away: {}", request.getMethod(), request.getRequestURI(),
                        e.toString());
                return;
            }
            answer(request, response, e);
        } catch (ServletException | RuntimeException | StackOverflowError e) {
            answer(request, response, e);
        }
    }

    /** Logs {@code failure} under a new id and answers 500 naming only the id when the response still allows it. */
    private static void answer(HttpServletRequest request, HttpServletResponse response, Throwable failure)
            throws IOException {
        String id = logWithId("unhandled error on " + request.getMethod() + " " + request.getRequestURI(), failure);
        if (request.isAsyncStarted()) {
            try {
                request.getAsyncContext().complete();
            } catch (IllegalStateException e) {
                LOG.debug("error {}: async context already ended", id);
            }
            return;
        }
        if (response.isCommitted()) {
            return; // part of the answer is on the wire: the container ends it; the log has the rest
        }
        response.reset();
        response.setHeader(ERROR_ID_HEADER, id);
        Cors.textError(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "internal error " + id
                + ": the server's log has the details under this id", true);
    }

    /**
     * Logs {@code failure} at error level with a new short id (8 hex digits) and returns the id, for servlets that
     * answer a failure themselves but must not show it either.
     */
    public static String logWithId(String what, Throwable failure) {
        String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        LOG.error("error {}: {}", id, what, failure);
        return id;
    }
}
