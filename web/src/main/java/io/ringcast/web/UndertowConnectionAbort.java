package io.ringcast.web;

import io.ringcast.web.http.ConnectionAbort;
import io.undertow.server.HandlerWrapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.servlet.handlers.ServletRequestContext;
import org.xnio.IoUtils;

/**
 * Gives every servlet request of the embedded server its {@link ConnectionAbort}: closing the exchange's
 * connection, which Undertow allows from any thread. One small object per request, none per frame.
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
        return () -> IoUtils.safeClose(exchange.getConnection());
    }
}
