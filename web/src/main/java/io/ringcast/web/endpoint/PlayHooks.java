package io.ringcast.web.endpoint;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.hooks.HookDecision;
import io.ringcast.broadcast.hooks.HookRequest;
import io.ringcast.broadcast.hooks.StreamHooks;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.web.http.Cors;
import io.ringcast.web.page.PlayerPageServlet;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The play hook for HTTP viewers ({@code [hooks] on_play}, {@code on_stop}): HTTP-FLV and the proxy form, HLS
 * playlists (not segments) and the player page ask it before the servlet runs. No request thread waits: an answer
 * not ready at once suspends the request (AsyncContext) and the hook's answer resumes it, dispatching it to the
 * servlet when allowed, answering 403 with the hook's reason when refused, and 302 to the new name when the hook
 * renamed the stream. An HTTP-FLV viewer's end is told to {@code on_stop}; an HLS viewer's by the hooks, which
 * keep HLS viewers as sessions (one play call per viewer, not per playlist reload). Stateless; request and hook
 * threads.
 */
final class PlayHooks {
    private static final Logger LOG = LoggerFactory.getLogger(PlayHooks.class);
    /** Beyond the hooks' own timeout (after which their answer always arrives), a guard against a lost answer. */
    private static final long ASYNC_MARGIN_MS = 1_000;
    /** The request attribute holding a suspended play the hook allowed, for its dispatched pass. */
    private static final String ALLOWED_PLAY = PlayHooks.class.getName() + ".allowedPlay";

    private PlayHooks() {
    }

    /**
     * Asks the play hook about {@code request} when this endpoint is a play and a hook is set. Returns true when it
     * took the request over (it is suspended, or was answered: refused or redirected); false to go on with the
     * servlet, after which {@link #afterServlet} must be called with the returned request in {@code started[0]}.
     */
    static boolean gate(Engine engine, Endpoint endpoint, HttpServletRequest request, HttpServletResponse response,
                        boolean withBody, HookRequest[] started) throws IOException {
        StreamHooks hooks = engine.service(StreamHooks.class);
        String protocol = hooks == null ? null : protocol(endpoint, request);
        StreamPath path = protocol == null ? null : stream(endpoint, request);
        if (path == null) {
            return false;
        }
        HookRequest hookRequest = new HookRequest(protocol, HookRequest.nextClientId(), request.getRemoteAddr(), path,
                request.getQueryString(), tcUrl(request, path), request.getHeader("User-Agent"), "",
                request.getHeader("Referer"), "");
        if (!hooks.asksPlay(protocol)) {
            started[0] = hookRequest;
            return false;
        }
        CompletableFuture<HookDecision> answer = hooks.askPlay(hookRequest);
        if (answer.isDone()) {
            HookDecision decision = answer.join();
            if (decision.verdict() == HookDecision.Verdict.ALLOW) {
                started[0] = hookRequest;
                return false;
            }
            answer(request, response, hookRequest, decision, withBody);
            return true;
        }
        suspend(hooks, request, response, hookRequest, answer, withBody);
        return true;
    }

    /** The play the hook allowed after suspending {@code request} (its dispatched pass), or null; taken once. */
    static HookRequest allowedAfterSuspension(HttpServletRequest request) {
        if (request.getAttribute(ALLOWED_PLAY) instanceof HookRequest allowed) {
            request.removeAttribute(ALLOWED_PLAY); // followed once, whatever dispatches come after
            return allowed;
        }
        return null;
    }

    /** After the servlet ran: an HTTP-FLV viewer's end goes to the stop hook (when its response ends). */
    static void afterServlet(Engine engine, HttpServletRequest request, HookRequest started) {
        if (started == null || !"httpflv".equals(started.protocol())) {
            return;
        }
        StreamHooks hooks = engine.service(StreamHooks.class);
        if (hooks == null) {
            return;
        }
        if (request.isAsyncStarted()) {
            request.getAsyncContext().addListener(new StopListener(hooks, started));
        } else {
            hooks.playEnded(started);
        }
    }

    // The answer's continuation runs for its effect; it completes the request on every path.
    @SuppressWarnings("FutureReturnValueIgnored")
    private static void suspend(StreamHooks hooks, HttpServletRequest request, HttpServletResponse response,
                                HookRequest hookRequest, CompletableFuture<HookDecision> answer, boolean withBody) {
        AsyncContext async = request.startAsync();
        async.setTimeout(hooks.answerTimeoutMs() + ASYNC_MARGIN_MS);
        AtomicBoolean resumed = new AtomicBoolean();
        async.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) throws IOException {
                if (resumed.compareAndSet(false, true)) {
                    answer(request, response, hookRequest, HookDecision.refuse("the hook service did not answer"),
                            withBody);
                    async.complete();
                }
            }

            @Override
            public void onComplete(AsyncEvent event) {
                resumed.set(true);
            }

            @Override
            public void onError(AsyncEvent event) {
                resumed.set(true);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // the servlet's own cycle after the dispatch; nothing to carry over
            }
        });
        answer.thenAccept(decision -> {
            if (!resumed.compareAndSet(false, true)) {
                return;
            }
            if (decision.verdict() == HookDecision.Verdict.ALLOW) {
                // The dispatched pass follows the play to its end: listeners of this cycle do not reliably carry
                // over into the servlet's own async cycle in every container (Jetty 12 drops them).
                request.setAttribute(ALLOWED_PLAY, hookRequest);
                async.dispatch();
                return;
            }
            // Answered here, on the hook's thread, rather than queued to a container thread: the answer is a few
            // dozen bytes (a socket buffer takes them at once), and a queued answer could lose the race with the
            // container's own async timeout under a crowd.
            try {
                answer(request, response, hookRequest, decision, withBody);
            } catch (IOException | RuntimeException e) {
                LOG.debug("hook answer to {} not sent: {}", request.getRemoteAddr(), e.toString());
            } finally {
                async.complete();
            }
        });
    }

    /** A refusal (403 with the reason) or a rename (302 to the same request under the new name). */
    private static void answer(HttpServletRequest request, HttpServletResponse response, HookRequest hookRequest,
                               HookDecision decision, boolean withBody) throws IOException {
        if (decision.renamedTo() != null) {
            String uri = request.getRequestURI();
            String from = "/" + hookRequest.path().name();
            int at = uri.lastIndexOf(from);
            if (at < 0) {
                Cors.textError(response, HttpServletResponse.SC_FORBIDDEN, "play refused: renamed by the hook to "
                        + decision.renamedTo(), withBody);
                return;
            }
            String renamed = uri.substring(0, at) + "/" + decision.renamedTo().name()
                    + uri.substring(at + from.length());
            String query = request.getQueryString();
            response.setHeader("Location", renamed + (query == null ? "" : "?" + query));
            Cors.textError(response, HttpServletResponse.SC_FOUND, "renamed by the hook to "
                    + decision.renamedTo(), withBody);
            return;
        }
        LOG.debug("{} play of {} from {} refused by the hook: {}", hookRequest.protocol(), hookRequest.path(),
                request.getRemoteAddr(), decision.reason());
        Cors.textError(response, HttpServletResponse.SC_FORBIDDEN, decision.refusalText("play"), withBody);
    }

    /** The protocol a request of this endpoint plays by, or null when it is not a play (segments, other pages). */
    private static String protocol(Endpoint endpoint, HttpServletRequest request) {
        return switch (endpoint) {
            case HTTP_FLV, PROXY_PULL -> "httpflv";
            // Every playlist request, LL-HLS blocking reloads included (several a second): the hooks keep HLS
            // viewers as sessions, so only a viewer's first request is asked about and its reloads keep it alive.
            case HLS, LL_HLS -> request.getRequestURI().endsWith(".m3u8") ? "hls" : null;
            case PLAYER_PAGE -> "page";
            default -> null;
        };
    }

    private static StreamPath stream(Endpoint endpoint, HttpServletRequest request) {
        if (endpoint != Endpoint.PLAYER_PAGE) {
            return endpoint.stream(request);
        }
        String[] parts = PlayerPageServlet.appAndName(request.getPathInfo());
        return parts != null && StreamPath.isValidPart(parts[0]) && StreamPath.isValidPart(parts[1])
                ? new StreamPath(parts[0], parts[1]) : null;
    }

    /** What the client connected to, as nginx-rtmp's tcurl: {@code http://host[:port]/app}. */
    private static String tcUrl(HttpServletRequest request, StreamPath path) {
        return request.getScheme() + "://" + request.getHeader("Host") + request.getContextPath() + "/" + path.app();
    }

    /**
     * Tells the stop hook once the viewer's response ended; follows the response into the servlet's own async
     * cycle (a listener must re-register itself on every new cycle).
     */
    private static final class StopListener implements AsyncListener {
        private final StreamHooks hooks;
        private final HookRequest started;
        private final AtomicBoolean told = new AtomicBoolean();

        StopListener(StreamHooks hooks, HookRequest started) {
            this.hooks = hooks;
            this.started = started;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            if (told.compareAndSet(false, true)) {
                hooks.playEnded(started);
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            onComplete(event);
        }

        @Override
        public void onError(AsyncEvent event) {
            onComplete(event);
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }
}
