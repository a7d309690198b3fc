package io.ringcast.web.llhls;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.broadcast.llhls.LlHlsStream;
import io.ringcast.broadcast.llhls.LlHlsStreams;
import io.ringcast.broadcast.llhls.LlNames;
import io.ringcast.broadcast.llhls.LlPart;
import io.ringcast.broadcast.llhls.LlPlaylist;
import io.ringcast.broadcast.llhls.LlSegment;
import io.ringcast.broadcast.llhls.LlWindow;
import io.ringcast.broadcast.stream.SourceUnavailableException;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.web.hls.DemandRefusal;
import io.ringcast.web.hls.HlsRequest;
import io.ringcast.web.hls.HlsServlet;
import io.ringcast.web.http.Cors;
import io.ringcast.web.http.HeldRequest;
import io.ringcast.web.http.PlayAccess;
import io.ringcast.web.http.ResponseBody;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Low-Latency HLS playback below {@code /llhls/*}: {@code /llhls/{app}/{name}.m3u8} the playlist (RFC 8216bis),
 * {@code .../{name}/init{n}.mp4} init segments, {@code .../{name}/{seq}.m4s} segments and {@code
 * .../{name}/{seq}.{part}.m4s} parts; also {@code /{app}/{name}.m3u8} when {@code [hls] variant = "fmp4"} (the MPEG-TS
 * servlet forwards it here). Runs on container threads and reads the immutable window its segmenter publishes.
 *
 * <p>Blocking playlist reload (RFC 8216bis 6.2.5.2): with {@code _HLS_msn=N} (and {@code _HLS_part=M}) the request
 * is held, as an async cycle without a thread, until segment N (part M of N, or a later part) is in the playlist,
 * then answered; at most {@link #BLOCK_TARGET_DURATIONS} target durations, then 503. A request more than two
 * segments or more than the Advance Part Limit ahead answers 400 at once, as does {@code _HLS_part} without
 * {@code _HLS_msn}. The preload-hinted part streams while it is written ({@link PartStreamer}); a part further ahead
 * answers 404. Other answers as {@link HlsServlet}: 404 for an unknown stream or a part or segment that left the
 * window; play tokens, CORS, preflights through the {@code LL_HLS} endpoint's filter.
 *
 * <p>On demand (with the engine), as {@link HlsServlet}: a playlist GET for a path an on-demand source supplies
 * demands the stream and is held, without a thread, until its first part is complete (or the source closes:
 * 404 with the reason), at most OnDemandPublishTimeout plus the audience lease.
 */
public final class LlHlsServlet extends HttpServlet {
    /** The servlet's name in the context (the MPEG-TS servlet forwards the default playlist to it by name). */
    public static final String NAME = HlsServlet.LL_HLS_SERVLET;
    public static final String MSN_PARAMETER = "_HLS_msn";
    public static final String PART_PARAMETER = "_HLS_part";
    /** A blocking reload waits at most this many target durations (RFC 8216bis 6.2.5.2 suggests three). */
    public static final int BLOCK_TARGET_DURATIONS = 3;
    /** RFC 8216bis 6.2.5.2: a request may run ahead by at most two segments. */
    public static final int MAX_SEGMENTS_AHEAD = 2;
    private static final String WAITED = LlHlsServlet.class.getName() + ".waited";
    private static final String HELD_FOR_FIRST_PART = LlHlsServlet.class.getName() + ".heldForFirstPart";
    private static final Pattern URI_ATTRIBUTE = Pattern.compile("URI=\"([^\"]*)\"");

    private final transient Engine engine;
    private transient LlHlsStreams streams;
    private transient String mediaCacheControl;

    /** Serves the LL-HLS streams only (a deployment without the engine: no audience leases). */
    public LlHlsServlet() {
        this(null);
    }

    public LlHlsServlet(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void init() throws ServletException {
        streams = registry(getServletContext());
        mediaCacheControl = "public, max-age=" + streams.config().segmentMaxAgeSeconds();
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
        boolean alias = !("/" + LlNames.PATH_PREFIX).equals(request.getServletPath());
        LlHlsRequest target;
        try {
            target = alias ? new LlHlsRequest(HlsRequest.parse(request.getServletPath(), request.getPathInfo()).path(),
                    LlHlsRequest.Kind.PLAYLIST, -1, -1) : LlHlsRequest.parse(request.getPathInfo());
        } catch (IllegalArgumentException e) {
            Cors.textError(response, HttpServletResponse.SC_BAD_REQUEST, "bad LL-HLS path: " + e.getMessage(),
                    withBody);
            return;
        }
        boolean playlistGet = target.kind() == LlHlsRequest.Kind.PLAYLIST && withBody;
        Stream source = null;
        if (engine != null && playlistGet && request.getAttribute(HELD_FOR_FIRST_PART) == null) {
            try {
                source = engine.streams().findOrDemand(target.path());
            } catch (LimitExceededException | SourceUnavailableException e) {
                DemandRefusal.answer(e, response, withBody);
                return;
            }
        }
        LlHlsStream stream = streams.find(target.path());
        renewLease(target.path(), stream);
        if (stream == null) {
            Cors.textError(response, HttpServletResponse.SC_NOT_FOUND,
                    heldSourceClosed(request, "no LL-HLS stream " + target.path()), withBody);
            return;
        }
        LlWindow window = stream.window();
        if (source != null && source.isOnDemand() && window.isEmpty() && request.isAsyncSupported()) {
            holdUntilFirstPart(request, source, stream);
            return;
        }
        switch (target.kind()) {
            case PLAYLIST -> playlist(request, response, stream, alias, withBody);
            case INIT -> media(request, response, window.init((int) target.sequence()), LlNames.INIT_CONTENT_TYPE,
                    "init segment " + target.sequence(), target.path(), withBody);
            case SEGMENT -> {
                LlSegment segment = window.segment(target.sequence());
                media(request, response, segment == null ? null : segment.bytes(), LlNames.MEDIA_CONTENT_TYPE,
                        "segment " + target.sequence(), target.path(), withBody);
            }
            case PART -> {
                LlPart part = window.part(target.sequence(), target.part());
                if (part == null) {
                    Cors.textError(response, HttpServletResponse.SC_NOT_FOUND, "part " + target.sequence() + "."
                            + target.part() + " of " + target.path() + " is not in the window", withBody);
                    return;
                }
                PartStreamer.send(request, response, part, LlNames.MEDIA_CONTENT_TYPE, mediaCacheControl,
                        blockTimeoutMs(stream), withBody);
            }
            default -> throw new IllegalStateException("unknown kind " + target.kind());
        }
    }

    private void media(HttpServletRequest request, HttpServletResponse response, byte[] body, String contentType,
                       String what, StreamPath path, boolean withBody) throws IOException {
        if (body == null) {
            Cors.textError(response, HttpServletResponse.SC_NOT_FOUND, what + " of " + path + " is not in the window",
                    withBody);
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(contentType);
        response.setHeader("Cache-Control", mediaCacheControl);
        ResponseBody.send(request, response, body, withBody);
    }

    private void playlist(HttpServletRequest request, HttpServletResponse response, LlHlsStream stream,
                          boolean alias, boolean withBody) throws IOException {
        String msnText = request.getParameter(MSN_PARAMETER);
        String partText = request.getParameter(PART_PARAMETER);
        long msn = -1;
        int part = -1;
        try {
            if (partText != null && msnText == null) {
                throw new IllegalArgumentException(PART_PARAMETER + " without " + MSN_PARAMETER);
            }
            if (msnText != null) {
                msn = LlHlsRequest.number(msnText, LlHlsRequest.maxSequenceDigits());
            }
            if (partText != null) {
                part = (int) LlHlsRequest.number(partText, LlHlsRequest.maxPartDigits());
            }
        } catch (IllegalArgumentException e) {
            Cors.textError(response, HttpServletResponse.SC_BAD_REQUEST, "bad blocking reload: " + e.getMessage(),
                    withBody);
            return;
        }
        LlWindow window = stream.window();
        boolean waited = request.getAttribute(WAITED) != null;
        if (msn >= 0 && !waited) {
            String tooFar = tooFarAhead(window, msn, part, stream.config().partDurationMs());
            if (tooFar != null) {
                Cors.textError(response, HttpServletResponse.SC_BAD_REQUEST, tooFar, withBody);
                return;
            }
            if (!satisfied(window, msn, part) && !stream.isEnded() && request.isAsyncSupported()) {
                hold(request, stream, msn, part);
                return;
            }
        }
        if (msn >= 0 && waited && !satisfied(window, msn, part) && !stream.isEnded()) {
            response.setHeader("Retry-After", "1");
            Cors.textError(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "part " + msn + "." + part + " of "
                    + stream.path() + " did not come within " + blockTimeoutMs(stream) + " ms", withBody);
            return;
        }
        if (window.isEmpty()) {
            Cors.textError(response, HttpServletResponse.SC_NOT_FOUND,
                    heldSourceClosed(request, "no part of " + stream.path() + " yet"), withBody);
            return;
        }
        byte[] body = alias ? window.aliasPlaylist() : window.playlist();
        if (PlayAccess.required(getServletContext())) {
            body = withToken(new String(body, StandardCharsets.UTF_8), request);
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(LlPlaylist.CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-cache");
        ResponseBody.send(request, response, body, withBody);
    }

    private static boolean satisfied(LlWindow window, long msn, int part) {
        return part < 0 ? window.hasSegment(msn) : window.hasPart(msn, part);
    }

    /**
     * RFC 8216bis 6.2.5.2: null when the request may wait, else why it answers 400 (more than two segments past the
     * last one in the playlist, or a part more than the Advance Part Limit past the last part).
     */
    static String tooFarAhead(LlWindow window, long msn, int part, long partTargetMs) {
        long lastSequence = window.openSequence();
        if (msn > lastSequence + MAX_SEGMENTS_AHEAD) {
            return "segment " + msn + " is more than " + MAX_SEGMENTS_AHEAD + " segments after " + lastSequence;
        }
        if (part < 0) {
            return null;
        }
        long limit = partTargetMs < 1_000 ? (3_000 + partTargetMs - 1) / partTargetMs : 3;
        long partsPerSegment = Math.max(1, (window.targetDurationS() * 1_000L + partTargetMs - 1) / partTargetMs);
        LlPart last = window.lastPart();
        long lastSeq = last == null ? window.openSequence() : last.sequence();
        long lastIndex = last == null ? -1 : last.index();
        long ahead = (msn - lastSeq) * partsPerSegment + part - lastIndex;
        return ahead > limit ? "part " + msn + "." + part + " is " + ahead + " parts after the last one, more than the "
                + "Advance Part Limit of " + limit : null;
    }

    /** Holds the request, without a thread, until the part is in the playlist or the wait times out. */
    private void hold(HttpServletRequest request, LlHlsStream stream, long msn, int part) {
        request.setAttribute(WAITED, true);
        HeldRequest.hold(request, blockTimeoutMs(stream), ready -> {
            Object waiter = stream.await(msn, part, ready);
            return () -> stream.cancel(waiter);
        });
    }

    /**
     * An on-demand stream just demanded (or still coming): holds the playlist request without a thread until its
     * first part is complete or its source closes, then dispatches it again to be answered (200, or 404 with the
     * reason). The audience lease covers the wait, bounded by OnDemandPublishTimeout plus the lease.
     */
    private void holdUntilFirstPart(HttpServletRequest request, Stream source, LlHlsStream stream) {
        long leaseMs = HlsServlet.LEASE_TARGET_DURATIONS * stream.targetDurationMs();
        long waitMs = engine.config().onDemandPublishTimeout().toMillis() + leaseMs;
        source.renewLease(HlsServlet.AUDIENCE_PROTOCOL, TimeUnit.MILLISECONDS.toNanos(waitMs));
        request.setAttribute(HELD_FOR_FIRST_PART, source);
        HeldRequest.hold(request, waitMs, ready -> {
            source.onClose(ready);
            // Any part satisfies a wait for part 0 of the lowest sequence number.
            Object waiter = stream.await(Long.MIN_VALUE, 0, ready);
            return () -> {
                stream.cancel(waiter);
                source.removeCloseListener(ready);
            };
        });
    }

    /** Why the on-demand source this request was held for closed (it never delivered), else {@code otherwise}. */
    private static String heldSourceClosed(HttpServletRequest request, String otherwise) {
        Stream held = request.getAttribute(HELD_FOR_FIRST_PART) instanceof Stream s ? s : null;
        return held != null && held.isClosed() && held.closeReason() != null ? held.closeReason() : otherwise;
    }

    private static long blockTimeoutMs(LlHlsStream stream) {
        return BLOCK_TARGET_DURATIONS * stream.targetDurationMs();
    }

    /** An LL-HLS audience keeps an auto-close stream alive, as an MPEG-TS one ({@link HlsServlet}). */
    private void renewLease(StreamPath path, LlHlsStream stream) {
        if (engine == null) {
            return;
        }
        Stream source = engine.streams().find(path);
        if (source != null && source.isAutoClose()) {
            long targetMs = stream == null ? streams.config().targetDurationMs() : stream.targetDurationMs();
            source.renewLease(HlsServlet.AUDIENCE_PROTOCOL,
                    TimeUnit.MILLISECONDS.toNanos(HlsServlet.LEASE_TARGET_DURATIONS * targetMs));
        }
    }

    /** Signed play URLs: every URI (plain lines and URI="..." attributes) carries the request's expires/token. */
    static byte[] withToken(String playlist, HttpServletRequest request) {
        String query = "?" + PlayAccess.EXPIRES + "=" + request.getParameter(PlayAccess.EXPIRES) + "&"
                + PlayAccess.TOKEN + "=" + request.getParameter(PlayAccess.TOKEN);
        StringBuilder out = new StringBuilder(playlist.length() + 256);
        for (String line : playlist.split("\n")) {
            if (line.startsWith("#")) {
                Matcher m = URI_ATTRIBUTE.matcher(line);
                out.append(m.replaceAll(r -> Matcher.quoteReplacement("URI=\"" + r.group(1) + query + "\"")));
            } else {
                out.append(line);
                if (!line.isEmpty()) {
                    out.append(query);
                }
            }
            out.append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static LlHlsStreams registry(ServletContext context) throws ServletException {
        Object value = context.getAttribute(LlHlsStreams.CONTEXT_ATTRIBUTE);
        if (!(value instanceof LlHlsStreams s)) {
            throw new ServletException("servlet context attribute " + LlHlsStreams.CONTEXT_ATTRIBUTE
                    + " must hold the " + LlHlsStreams.class.getName() + ", found " + value);
        }
        return s;
    }
}
