package io.ringcast.web.endpoint;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.hooks.HookRequest;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.web.control.AdminAuth;
import io.ringcast.web.http.Cors;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Objects;

/**
 * What a servlet's requests pass first, as its {@link Endpoint} says: an OPTIONS request gets the CORS preflight
 * answer (when the endpoint has one; else the servlet answers it); a GET or HEAD gets
 * {@code Access-Control-Allow-Origin: *} (cross-origin endpoints), then the access check, and a refused one the
 * endpoint's refusal (HEAD without its body) instead of the servlet; a play then asks the play hook
 * ({@link PlayHooks}). A player request whose path names no stream
 * goes on unchecked: the servlet answers it 400. Other methods go on untouched ({@code AllowedMethodsFilter}, mapped
 * before every servlet's filters, refuses them).
 *
 * <p>One instance per servlet, created with the deployment's engine by the servlet context listener and mapped to
 * that servlet's name. Stateless; request threads.
 */
public final class EndpointFilter extends HttpFilter {
    private final transient Engine engine;
    private final Endpoint endpoint;

    public EndpointFilter(Engine engine, Endpoint endpoint) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            // Checked and asked at the request's first pass; a play the hook allowed is followed to its end.
            chain.doFilter(request, response);
            PlayHooks.afterServlet(engine, request, PlayHooks.allowedAfterSuspension(request));
            return;
        }
        String method = request.getMethod();
        boolean get = "GET".equals(method);
        if ("OPTIONS".equals(method) && endpoint.preflightMethods() != null) {
            Cors.preflight(response, endpoint.preflightMethods());
            return;
        }
        if (!get && !"HEAD".equals(method)) {
            chain.doFilter(request, response);
            return;
        }
        if (endpoint.anyOrigin()) {
            Cors.allowAnyOrigin(response);
        }
        if (endpoint.access() != Access.PUBLIC) {
            StreamPath stream = null;
            if (endpoint.access() == Access.PLAY) {
                stream = endpoint.stream(request);
                if (stream == null) {
                    chain.doFilter(request, response);
                    return;
                }
            }
            AdminAuth.Verdict verdict = endpoint.access().check(engine, stream, request);
            if (!verdict.allowed()) {
                endpoint.refuse(request, response, verdict, get);
                return;
            }
        }
        HookRequest[] started = new HookRequest[1];
        if (PlayHooks.gate(engine, endpoint, request, response, get, started)) {
            return; // suspended until the play hook answers, or answered
        }
        chain.doFilter(request, response);
        PlayHooks.afterServlet(engine, request, started[0]);
    }
}
