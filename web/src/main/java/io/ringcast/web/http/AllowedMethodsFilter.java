package io.ringcast.web.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.IOException;

/**
 * Answers every request whose method ringcast does not use with 405 and {@code Allow}, before any servlet or the
 * container's default servlet sees it, on every path. ringcast only reads: GET, HEAD and OPTIONS (CORS preflights).
 * {@code TRACE} in particular would otherwise be answered 200 by {@code HttpServlet}, echoing the request's headers
 * (credentials included) to whatever script sent it. OPTIONS answers name the same methods in {@code Allow}.
 * Mapped to {@code /*} by the servlet context listener, in the embedded server and in a WAR alike. Stateless;
 * request threads.
 */
public final class AllowedMethodsFilter extends HttpFilter {
    /** The {@code Allow} header of a 405: the methods every ringcast endpoint answers. */
    public static final String ALLOWED_METHODS = "GET, HEAD, OPTIONS";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        switch (request.getMethod()) {
            case "GET", "HEAD" -> chain.doFilter(request, response);
            case "OPTIONS" -> chain.doFilter(request, new AllowHeader(response));
            default -> {
                response.setHeader("Allow", ALLOWED_METHODS);
                Cors.textError(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                        "method not allowed: this server answers " + ALLOWED_METHODS + " only", true);
            }
        }
    }

    /**
     * An OPTIONS answer whose {@code Allow} names what this filter lets through, whatever the servlet computed:
     * {@code HttpServlet} always offers TRACE, and a container's default servlet offers PUT and DELETE too.
     */
    private static final class AllowHeader extends HttpServletResponseWrapper {
        AllowHeader(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void setHeader(String name, String value) {
            super.setHeader(name, "Allow".equalsIgnoreCase(name) ? ALLOWED_METHODS : value);
        }

        @Override
        public void addHeader(String name, String value) {
            if ("Allow".equalsIgnoreCase(name)) {
                super.setHeader(name, ALLOWED_METHODS);
            } else {
                super.addHeader(name, value);
            }
        }
    }
}
