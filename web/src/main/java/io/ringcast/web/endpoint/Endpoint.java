package io.ringcast.web.endpoint;

import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.web.control.AdminAuth;
import io.ringcast.web.control.ControlServlet;
import io.ringcast.web.hls.HlsRequest;
import io.ringcast.web.http.Cors;
import io.ringcast.web.httpflv.HttpFlvServlet;
import io.ringcast.web.llhls.LlHlsRequest;
import io.ringcast.web.metrics.MetricsServlet;
import io.ringcast.web.page.StreamIndexServlet;
import io.ringcast.web.report.LatencyReportServlet;
import io.ringcast.web.stats.LiveStatServlet;
import io.ringcast.web.stats.StatsServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.function.Function;

/**
 * The servlets' shared concerns in one table: per endpoint, who may use it ({@link Access}), how a refusal is
 * answered, whether any origin may read it (CORS) and which methods a CORS preflight names. Immutable.
 */
// The function fields hold static method references: stateless, so the constants are immutable in fact.
@SuppressWarnings("ImmutableEnumChecker")
public enum Endpoint {
    /** {@code *.flv}: viewers; the stream is the request's {@code app/name}. */
    HTTP_FLV(Access.PLAY, Endpoint::flvStream, Endpoint::refusePlay, true, Endpoint.PLAYER_METHODS),
    /** {@code *.m3u8}, {@code *.ts}: viewers; the stream is the playlist's or segment's {@code app/name}. */
    HLS(Access.PLAY, Endpoint::hlsStream, Endpoint::refusePlay, true, Endpoint.PLAYER_METHODS),
    /** {@code /llhls/*}: viewers of Low-Latency HLS; the stream is the playlist's, init's, segment's or part's. */
    LL_HLS(Access.PLAY, Endpoint::llHlsStream, Endpoint::refusePlay, true, Endpoint.PLAYER_METHODS),
    /** {@code /api/*}: stats, refusals as the API's JSON errors. */
    STATS(Access.STATS, null, StatsServlet::refuse, true, "GET, OPTIONS"),
    /** {@code /ops/latency}, {@code /ops/latency.csv}: stats, refusals as plain text, same origin only. */
    LATENCY_REPORT(Access.STATS, null, LatencyReportServlet::refuse, false, null),
    /** {@code /metrics}: stats for Prometheus, refusals as plain text, same origin only. */
    METRICS(Access.STATS, null, MetricsServlet::refuse, false, null),
    /** {@code ""}: the stream list is stats, refusals as an error page, same origin only. */
    STREAM_INDEX(Access.STATS, null, StreamIndexServlet::refuse, false, null),
    /** {@code /play/*}: anyone (the page leaves the codec facts out for those who may not read stats). */
    PLAYER_PAGE(Access.PUBLIC, null, null, false, null),
    /** {@code /assets/*}, {@code /webjars/*}: anyone, from any origin. */
    STATIC_FILES(Access.PUBLIC, null, null, true, null),
    /** {@code /control/*}: administrators, refusals in livego's JSON shape. */
    CONTROL(Access.ADMIN, null, ControlServlet::refuse, true, null),
    /** {@code /stat/livestat}: stats, refusals in livego's JSON shape, from any origin (livego dashboards). */
    LIVESTAT(Access.STATS, null, LiveStatServlet::refuse, true, "GET, OPTIONS"),
    /**
     * The relays' proxy form ({@code [relay] proxy_path}, {@code ?src=&app=&stream=}): viewers of
     * {@code app/stream}, as HTTP-FLV's.
     */
    PROXY_PULL(Access.PLAY, Endpoint::proxyStream, Endpoint::refusePlay, true, Endpoint.PLAYER_METHODS);

    /** What the players' endpoints allow in a preflight. */
    private static final String PLAYER_METHODS = "GET, HEAD, OPTIONS";

    private final Access access;
    private final Function<HttpServletRequest, StreamPath> stream;
    private final Refusal refusal;
    private final boolean anyOrigin;
    private final String preflightMethods;

    /**
     * @param stream           the stream a {@link Access#PLAY} request names, null when its path is invalid (the
     *                         servlet answers that one)
     * @param anyOrigin        whether every GET and HEAD answer carries {@code Access-Control-Allow-Origin: *}
     * @param preflightMethods what a CORS preflight (OPTIONS) answers as allowed; null: OPTIONS goes to the servlet
     */
    Endpoint(Access access, Function<HttpServletRequest, StreamPath> stream, Refusal refusal, boolean anyOrigin,
             String preflightMethods) {
        this.access = access;
        this.stream = stream;
        this.refusal = refusal;
        this.anyOrigin = anyOrigin;
        this.preflightMethods = preflightMethods;
    }

    public Access access() {
        return access;
    }

    /** The stream a {@link Access#PLAY} request names, or null when its path names none. */
    StreamPath stream(HttpServletRequest request) {
        return stream.apply(request);
    }

    void refuse(HttpServletRequest request, HttpServletResponse response, AdminAuth.Verdict verdict,
                boolean withBody) throws IOException {
        refusal.send(request, response, verdict, withBody);
    }

    public boolean anyOrigin() {
        return anyOrigin;
    }

    /** The methods a preflight answer allows, or null when this endpoint answers no preflight. */
    public String preflightMethods() {
        return preflightMethods;
    }

    private static StreamPath flvStream(HttpServletRequest request) {
        try {
            return HttpFlvServlet.streamPathOf(request.getServletPath(), request.getPathInfo());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static StreamPath proxyStream(HttpServletRequest request) {
        String app = request.getParameter("app");
        String name = request.getParameter("stream");
        return StreamPath.isValidPart(app) && StreamPath.isValidPart(name) ? new StreamPath(app, name) : null;
    }

    private static StreamPath hlsStream(HttpServletRequest request) {
        try {
            return HlsRequest.parse(request.getServletPath(), request.getPathInfo()).path();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static StreamPath llHlsStream(HttpServletRequest request) {
        try {
            return LlHlsRequest.parse(request.getPathInfo()).path();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void refusePlay(HttpServletRequest request, HttpServletResponse response,
                                   AdminAuth.Verdict verdict, boolean withBody) throws IOException {
        Cors.textError(response, verdict.status(), "play refused: " + verdict.reason(), withBody);
    }
}
