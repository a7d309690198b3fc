package io.ringcast.web.httpflv;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.broadcast.stream.SourceUnavailableException;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.subscribe.CloseReason;
import io.ringcast.broadcast.subscribe.Subscription;
import io.ringcast.ingest.ClusterPullMark;
import io.ringcast.web.http.ConnectionAbort;
import io.ringcast.web.http.Cors;
import io.ringcast.web.http.ResponseChannel;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * HTTP-FLV playback: {@code GET /{app}/{name}.flv} streams the live stream as FLV until either side ends it.
 * Mapped by extension ({@code *.flv}), which Undertow, Tomcat and Jetty treat alike. Requests run on container
 * threads and return at once; the viewer's bytes are written by a fan-out worker through an {@link HttpFlvSink}.
 *
 * <p>On demand: a path nobody publishes that an {@link io.ringcast.broadcast.stream.OnDemandSource} supplies is
 * demanded from it ({@link io.ringcast.broadcast.stream.StreamRegistry#findOrDemand}); the viewer waits connected
 * and gets the first keyframe as soon as it arrives. Status and headers are committed by the sink at its first write
 * only, so a stream that closes before delivering anything (its upstream failed, OnDemandPublishTimeout) is answered
 * 404 with the reason instead of an empty 200. A source that cannot tell now whether it could deliver (the cluster's
 * directory is down) gets the viewer a 503 with the reason at once. Another node's cluster pull (the query parameter
 * of {@link ClusterPullMark}) gets only a stream this server holds: it demands nothing, so pulls never chain or loop.
 *
 * <p>Answers: 200 {@code video/x-flv} streaming; 400 when the path is not a valid {@code app/name}; 404 when no
 * such stream is live or can be pulled, or it closed before delivering; 503 when the engine refuses another viewer
 * or stream, or an on-demand source cannot tell now ({@code Retry-After: 1}). HEAD answers the same status without
 * a body (and starts no pull).
 * Play tokens, CORS and preflights: {@link io.ringcast.web.endpoint.Endpoint#HTTP_FLV}.
 */
public final class HttpFlvServlet extends HttpServlet {
    /** Protocol name under which viewers are counted and latency is recorded. */
    public static final String PROTOCOL = "httpflv";
    public static final String CONTENT_TYPE = "video/x-flv";
    private static final String SUFFIX = ".flv";
    /**
     * The response stream's own buffer, the size of Undertow's pooled one. The fan-out worker writes into it from
     * its own thread while the container may end the response on another, so it must not be a pooled buffer that
     * the container frees (and its pool hands back to the allocator) while the worker's write is still under way: it
     * belongs to this one response and is freed by the garbage collector once neither thread holds it.
     */
    private static final int VIEWER_BUFFER_BYTES = 16 * 1024;

    private final transient Engine engine;

    public HttpFlvServlet(Engine engine) {
        this.engine = engine;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Stream stream;
        try {
            stream = findStream(request, response, true);
        } catch (LimitExceededException e) {
            response.setHeader("Retry-After", "5");
            Cors.textError(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, e.getMessage(), true);
            return;
        } catch (SourceUnavailableException e) {
            sourceUnavailable(response, e, true);
            return;
        }
        if (stream != null) {
            serve(stream, request, response);
        }
    }

    /**
     * Streams {@code stream} to this request's viewer as FLV (or answers 503 when the engine refuses another viewer):
     * what {@code GET /{app}/{name}.flv} does once it found its stream, shared with the relays' proxy form
     * ({@link ProxyPullServlet}). Request thread; returns at once, the viewer is fed by a fan-out worker.
     */
    public void serve(Stream stream, HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            engine.streams().requireViewerRoom(stream);
        } catch (LimitExceededException e) {
            response.setHeader("Retry-After", "5");
            Cors.textError(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, e.getMessage(), true);
            return;
        }
        response.setBufferSize(VIEWER_BUFFER_BYTES);
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        HttpFlvSink sink = new HttpFlvSink(async, response, ResponseChannel.of(request), ConnectionAbort.of(request));
        Subscription subscription = new Subscription(stream, PROTOCOL, sink, engine.rings());
        sink.attach(subscription);
        sink.listen();
        boolean added;
        try {
            added = engine.fanout().add(subscription);
        } catch (LimitExceededException e) {
            added = false; // lost a race for the last viewer slot: answer as refused
        }
        if (!added) {
            // Nothing was written yet, so the 200 can still become a 503 (unless the engine already closed it).
            if (!response.isCommitted()) {
                response.reset();
                response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
                Cors.allowAnyOrigin(response); // reset() cleared the one the endpoint filter set
                response.setHeader("Retry-After", "1");
            }
            sink.close(CloseReason.SHUTDOWN);
        }
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        StreamPath path = pathOf(request, response, false);
        if (path == null) {
            return;
        }
        boolean available;
        try {
            available = engine.streams().find(path) != null
                    || (mayDemand(request) && engine.streams().suppliesOnDemand(path));
        } catch (SourceUnavailableException e) {
            sourceUnavailable(response, e, false);
            return;
        }
        if (available) {
            HttpFlvSink.startHeaders(response);
        } else {
            notFound(response, path, false);
        }
    }

    /** Whether the request may demand its stream: not another node's cluster pull. */
    private static boolean mayDemand(HttpServletRequest request) {
        return request.getParameter(ClusterPullMark.PARAMETER) == null;
    }

    private static void sourceUnavailable(HttpServletResponse response, SourceUnavailableException e,
                                          boolean withBody) throws IOException {
        response.setHeader("Retry-After", "1");
        Cors.textError(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, e.getMessage(), withBody);
    }

    /**
     * The stream the request names, live or demanded from its on-demand source, or null after answering 400 or 404.
     *
     * @throws LimitExceededException     when a demanded stream finds no room
     * @throws SourceUnavailableException when its on-demand source cannot tell now
     */
    private Stream findStream(HttpServletRequest request, HttpServletResponse response, boolean withBody)
            throws IOException {
        StreamPath path = pathOf(request, response, withBody);
        if (path == null) {
            return null;
        }
        Stream stream = mayDemand(request) ? engine.streams().findOrDemand(path) : engine.streams().find(path);
        if (stream == null) {
            notFound(response, path, withBody);
        }
        return stream;
    }

    /** The stream path the request names, or null after answering 400. */
    private static StreamPath pathOf(HttpServletRequest request, HttpServletResponse response, boolean withBody)
            throws IOException {
        try {
            return streamPathOf(request.getServletPath(), request.getPathInfo());
        } catch (IllegalArgumentException e) {
            Cors.textError(response, HttpServletResponse.SC_BAD_REQUEST, "bad stream path: " + e.getMessage(),
                    withBody);
            return null;
        }
    }

    private static void notFound(HttpServletResponse response, StreamPath path, boolean withBody) throws IOException {
        Cors.textError(response, HttpServletResponse.SC_NOT_FOUND, "no live stream " + path, withBody);
    }

    /**
     * The stream path of a request for {@code /app/name.flv}: servlet path plus path info (which one holds the
     * path depends on the mapping), without the leading slash and the suffix.
     *
     * @throws IllegalArgumentException when it is not {@code /app/name.flv} with valid parts
     */
    public static StreamPath streamPathOf(String servletPath, String pathInfo) {
        String full = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        if (!full.startsWith("/") || !full.endsWith(SUFFIX)) {
            throw new IllegalArgumentException("expected /app/name" + SUFFIX);
        }
        return StreamPath.parse(full.substring(1, full.length() - SUFFIX.length()));
    }
}
