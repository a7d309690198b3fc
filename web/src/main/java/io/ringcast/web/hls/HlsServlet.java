package io.ringcast.web.hls;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.broadcast.hls.HlsSegment;
import io.ringcast.broadcast.hls.HlsStream;
import io.ringcast.broadcast.hls.HlsStreams;
import io.ringcast.broadcast.hls.HlsWindow;
import io.ringcast.broadcast.hls.Playlist;
import io.ringcast.broadcast.llhls.LlHlsStreams;
import io.ringcast.broadcast.stream.SourceUnavailableException;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.web.http.Cors;
import io.ringcast.web.http.HeldRequest;
import io.ringcast.web.http.PlayAccess;
import io.ringcast.web.http.ResponseBody;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * HLS playback: {@code GET /{app}/{name}.m3u8} answers the live playlist, {@code GET /{app}/{name}/{seq}.ts} a
 * segment of its window. Mapped by extension ({@code *.m3u8} and {@code *.ts}). Runs on container threads; reads
 * only the immutable window snapshot published by the stream's segmenter, so requests never wait for it.
 *
 * <p>Answers: 200 with {@code application/vnd.apple.mpegurl} and {@code no-cache} (playlist) or
 * {@code video/mp2t}, Content-Length and {@code max-age} (segments never change); 400 for a malformed path; 404 for
 * an unknown stream, a stream without a complete segment yet, or a segment outside the window. HEAD answers the
 * same headers without a body. Play tokens, CORS and preflights: {@link io.ringcast.web.endpoint.Endpoint#HLS}.
 *
 * <p>Mapped with async support: a segment is written by {@link ResponseBody}, so a client that stops reading one
 * holds its connection only, not a request thread.
 *
 * <p>On demand (with the engine): a playlist request for a path nobody publishes that an on-demand source supplies
 * demands the stream ({@link io.ringcast.broadcast.stream.StreamRegistry#findOrDemand}), whose segmenter attaches as
 * for any stream. A playlist request for an on-demand stream without a segment yet is held asynchronously (no
 * container thread waits) until the first segment is out, then answered 200 with the playlist, or 404 with the
 * stream's reason when it closes first. Every playlist and segment request renews the stream's HLS audience lease
 * ({@link Stream#renewLease}, {@link #LEASE_TARGET_DURATIONS} target durations), so an HLS-only audience keeps an
 * auto-close stream alive and lets it close AutoCloseDelay after its last request.
 */
public final class HlsServlet extends HttpServlet {
    public static final String SEGMENT_CONTENT_TYPE = "video/mp2t";
    /** An HLS audience counts as watching until this many target durations after its latest request. */
    public static final int LEASE_TARGET_DURATIONS = 3;
    /** The protocol an HLS audience counts under among a stream's subscribers. */
    public static final String AUDIENCE_PROTOCOL = "hls";
    /** Request attribute of a held playlist request, once dispatched again: the engine stream it waited for. */
    /** The LL-HLS servlet's name, to which the default playlist goes with {@code variant = "fmp4"}. */
    public static final String LL_HLS_SERVLET = "llhls";
    private static final String WAITED_FOR = HlsServlet.class.getName() + ".waitedFor";

    private final transient Engine engine;
    private transient HlsStreams streams;
    private transient String segmentCacheControl;
    /** {@code [hls] variant = "fmp4"}: playlists are the LL-HLS servlet's (this one keeps the segments). */
    private transient boolean llByDefault;

    /** Serves the HLS streams only: no on-demand streams, no audience leases (a deployment without the engine). */
    public HlsServlet() {
        this(null);
    }

    /** Serves the HLS streams, demands on-demand streams and keeps their HLS audiences counted. */
    public HlsServlet(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void init() throws ServletException {
        Object ll = getServletContext().getAttribute(LlHlsStreams.CONTEXT_ATTRIBUTE);
        llByDefault = ll instanceof LlHlsStreams s && s.config().fmp4ByDefault();
        streams = registry(getServletContext());
        segmentCacheControl = "public, max-age=" + streams.config().segmentMaxAgeSeconds();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, true);
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, false);
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, boolean withBody)
            throws IOException {
        HlsRequest target;
        try {
            target = HlsRequest.parse(request.getServletPath(), request.getPathInfo());
        } catch (IllegalArgumentException e) {
            Cors.textError(response, HttpServletResponse.SC_BAD_REQUEST, "bad HLS path: " + e.getMessage(),
                    withBody);
            return;
        }
        if (llByDefault && target.isPlaylist() && request.getAttribute(WAITED_FOR) == null) {
            RequestDispatcher ll = getServletContext().getNamedDispatcher(LL_HLS_SERVLET);
            if (ll != null) {
                try {
                    ll.forward(request, response);
                } catch (ServletException e) {
                    throw new IOException(e);
                }
                return;
            }
        }
        Stream source = request.getAttribute(WAITED_FOR) instanceof Stream waited ? waited : null;
        boolean mayWait = source == null;
        if (engine != null && mayWait) {
            try {
                source = engineStream(target, withBody);
            } catch (LimitExceededException | SourceUnavailableException e) {
                DemandRefusal.answer(e, response, withBody);
                return;
            }
        }
        HlsStream stream = streams.find(target.path());
        if (stream == null) {
            String reason = source != null && source.isClosed() && source.closeReason() != null
                    ? source.closeReason() : "no HLS stream " + target.path();
            Cors.textError(response, HttpServletResponse.SC_NOT_FOUND, reason, withBody);
            return;
        }
        HlsWindow window = stream.window();
        if (target.isPlaylist()) {
            if (window.isEmpty() && mayWait && withBody && source != null && source.isOnDemand()
                    && request.isAsyncSupported()) {
                holdUntilFirstSegment(request, source, stream);
                return;
            }
            if (window.isEmpty()) {
                String reason = source != null && source.isClosed() && source.closeReason() != null
                        ? source.closeReason() : "no segment of " + target.path() + " yet";
                Cors.textError(response, HttpServletResponse.SC_NOT_FOUND, reason, withBody);
                return;
            }
            byte[] playlist = PlayAccess.required(getServletContext())
                    ? withTokenOnSegments(window.playlistText(), request) : window.playlist();
            write(request, response, Playlist.CONTENT_TYPE, "no-cache", playlist, withBody);
            return;
        }
        HlsSegment segment = window.segment(target.sequence());
        if (segment == null) {
            Cors.textError(response, HttpServletResponse.SC_NOT_FOUND, "segment " + target.sequence() + " of "
                    + target.path() + " is not in the window", withBody);
            return;
        }
        write(request, response, SEGMENT_CONTENT_TYPE, segmentCacheControl, segment.bytes(), withBody);
    }

    /**
     * The engine's stream behind the request, its HLS audience lease renewed: a playlist GET may demand it from its
     * on-demand source, a segment request or HEAD only finds it. Null when there is none.
     */
    private Stream engineStream(HlsRequest target, boolean withBody) {
        Stream stream = target.isPlaylist() && withBody ? engine.streams().findOrDemand(target.path())
                : engine.streams().find(target.path());
        if (stream != null && stream.isAutoClose()) {
            stream.renewLease(AUDIENCE_PROTOCOL, leaseNs(streams.find(target.path())));
        }
        return stream;
    }

    /** {@link #LEASE_TARGET_DURATIONS} target durations: the configured one, or the window's if it grew. */
    private long leaseNs(HlsStream stream) {
        long targetMs = streams.config().targetDurationMs();
        if (stream != null) {
            targetMs = Math.max(targetMs, TimeUnit.SECONDS.toMillis(stream.window().targetDurationS()));
        }
        return TimeUnit.MILLISECONDS.toNanos(LEASE_TARGET_DURATIONS * targetMs);
    }

    /**
     * Holds a playlist request without a thread until {@code stream} has its first segment or {@code source}
     * closes, then dispatches it again to be answered (200 or 404); the lease covers the wait. Bounded by
     * OnDemandPublishTimeout plus the lease, after which it is answered as it stands.
     */
    private void holdUntilFirstSegment(HttpServletRequest request, Stream source, HlsStream stream) {
        long waitMs = engine.config().onDemandPublishTimeout().toMillis()
                + TimeUnit.NANOSECONDS.toMillis(leaseNs(stream));
        source.renewLease(AUDIENCE_PROTOCOL, TimeUnit.MILLISECONDS.toNanos(waitMs));
        request.setAttribute(WAITED_FOR, source);
        HeldRequest.hold(request, waitMs, ready -> {
            source.onClose(ready);
            stream.onFirstSegment(ready);
            return () -> {
                stream.removeFirstSegmentWaiter(ready);
                source.removeCloseListener(ready);
            };
        });
    }

    /** Signed play URLs: every segment URI carries the playlist request's expires/token (valid for the stream). */
    private static byte[] withTokenOnSegments(String playlist, HttpServletRequest request) {
        String query = "?" + PlayAccess.EXPIRES + "=" + request.getParameter(PlayAccess.EXPIRES) + "&"
                + PlayAccess.TOKEN + "=" + request.getParameter(PlayAccess.TOKEN);
        StringBuilder out = new StringBuilder(playlist.length() + 64);
        for (String line : playlist.split("\n")) {
            out.append(line);
            if (!line.isEmpty() && !line.startsWith("#")) {
                out.append(query);
            }
            out.append('\n');
        }
        return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Segments go out without blocking the request thread on a client that does not read them. */
    private static void write(HttpServletRequest request, HttpServletResponse response, String contentType,
                              String cacheControl, byte[] body, boolean withBody) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(contentType);
        response.setHeader("Cache-Control", cacheControl);
        ResponseBody.send(request, response, body, withBody);
    }

    /** The deployment's HLS registry; fails servlet initialisation when the deployer forgot it. */
    private static HlsStreams registry(ServletContext context) throws ServletException {
        Object value = context.getAttribute(HlsStreams.CONTEXT_ATTRIBUTE);
        if (!(value instanceof HlsStreams s)) {
            throw new ServletException("servlet context attribute " + HlsStreams.CONTEXT_ATTRIBUTE + " must hold the "
                    + HlsStreams.class.getName() + ", found " + value);
        }
        return s;
    }
}
