package io.ringcast.web;

import io.ringcast.web.http.ConnectionAbort;
import io.undertow.server.HandlerWrapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.servlet.handlers.ServletRequestContext;
import org.xnio.IoUtils;

import java.util.concurrent.RejectedExecutionException;

/**
 * Gives every servlet request of the embedded server its {@link ConnectionAbort}: closing the exchange's
 * connection on the connection's own I/O thread, whichever thread asks. One small object per request, none per
 * frame.
 *
 * <p>Closing runs the connection's close listeners, and with them Undertow's end of the exchange, on the closing
 * thread. From the fan-out worker that dropped a viewer, that end raced the I/O thread's own work on the same
 * exchange, whose state Undertow does not guard against two threads (see {@link RequestsInProgress}); on the I/O
 * thread it runs in turn with everything else of that connection.
 */
final class UndertowConnectionAbort implements HandlerWrapper {
    @Override
    public HttpHandler wrap(HttpHandler next) {
        return exchange -> {
            ServletRequestContext context = exchange.getAttachment(ServletRequestContext.ATTACHMENT_KEY);
            if (context != null) {
                context.getServletRequest().setAttribute(ConnectionAbort.ATTRIBUTE, abortOf(exchange));
            }
            next.handleRequest(exchange);
        };
    }

    private static Runnable abortOf(HttpServerExchange exchange) {
        return () -> {
            ServerConnection connection = exchange.getConnection();
            try {
                connection.getIoThread().execute(() -> IoUtils.safeClose(connection));
            } catch (RejectedExecutionException stopping) {
                IoUtils.safeClose(connection); // the I/O thread is ending: nothing else runs on it any more
            }
        };
    }
}
