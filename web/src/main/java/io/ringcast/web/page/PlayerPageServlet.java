package io.ringcast.web.page;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.broadcast.stream.SourceUnavailableException;
import io.ringcast.broadcast.llhls.LlHlsStreams;
import io.ringcast.broadcast.llhls.LlNames;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamState;
import io.ringcast.web.stats.StatsAccess;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The player page, mapped at {@code /play/*}: {@code GET /play/{app}/{name}?mode=flv|hls|native} renders a page
 * whose script ({@code assets/player.js}) plays the stream with mpegts.js over HTTP-FLV (the default), hls.js, or
 * the browser's native HLS. Runs on container request threads; reads the engine's thread-safe registry.
 *
 * <p>With {@code [control] protect_stats} the page leaves out the stream's codec facts (video, audio, bitrates)
 * unless the request carries the admin JWT: viewers get their player, not the stats.
 *
 * <p>Answers: 200 for a valid path, also when the stream is not live (it may start later; the page says so and the
 * player retries; a GET of a path an on-demand source supplies starts its pull); 400 for invalid stream names or
 * an unknown mode; 404 for any path not of the form {@code /play/{app}/{name}}. URLs in the page are relative
 * ({@code ../../live/x.flv}), so it works under any context path.
 */
public final class PlayerPageServlet extends PageServlet {
    /** From {@code /play/{app}/{name}} back to the context root. */
    static final String TO_ROOT = "../../";
    private static final PageTemplate PAGE = PageTemplate.load("io/ringcast/web/page/player.html");

    private transient PlayerLibraries libraries;

    public PlayerPageServlet(Engine engine) {
        super(engine);
    }

    @Override
    public void init() throws ServletException {
        super.init();
        libraries = PlayerLibraries.packaged();
    }

    @Override
    void render(HttpServletRequest request, HttpServletResponse response, boolean withBody) throws IOException {
        String[] parts = appAndName(request.getPathInfo());
        if (parts == null) {
            HtmlResponse.error(request, response, HttpServletResponse.SC_NOT_FOUND,
                    "no such page; players live at play/{app}/{name}", withBody);
            return;
        }
        StreamPath path;
        PlayMode mode;
        try {
            path = new StreamPath(parts[0], parts[1]);
            mode = PlayMode.fromQuery(request.getParameter("mode"));
        } catch (IllegalArgumentException e) {
            HtmlResponse.error(request, response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage(), withBody);
            return;
        }
        Stream stream;
        try {
            // A player page is a viewer: it starts an on-demand pull, so the stream is on its way when the player
            // script asks for it.
            stream = withBody ? engine().streams().findOrDemand(path) : engine().streams().find(path);
        } catch (LimitExceededException | SourceUnavailableException e) {
            stream = null; // the page still renders; the player's own request gets the refusal, and it retries
        }
        boolean showFacts = StatsAccess.check(engine(), request).allowed();
        HtmlResponse.send(request, response, HttpServletResponse.SC_OK, page(path, mode, stream, showFacts), withBody);
    }

    /** {@code {app, name}} of a path info {@code /app/name} with two non-empty parts, else null. */
    public static String[] appAndName(String pathInfo) {
        if (pathInfo == null || !pathInfo.startsWith("/")) {
            return null;
        }
        int slash = pathInfo.indexOf('/', 1);
        if (slash < 2 || slash == pathInfo.length() - 1 || pathInfo.indexOf('/', slash + 1) >= 0) {
            return null;
        }
        return new String[] {pathInfo.substring(1, slash), pathInfo.substring(slash + 1)};
    }

    String page(StreamPath path, PlayMode mode, Stream stream) {
        return page(path, mode, stream, true);
    }

    /** @param showFacts whether to name the stream's codecs and bitrates (they are stats) */
    String page(StreamPath path, PlayMode mode, Stream stream, boolean showFacts) {
        boolean live = stream != null && stream.state() == StreamState.PUBLISHING;
        String script = switch (mode) {
            case FLV -> libraries.mpegtsScript();
            case HLS -> libraries.hlsjsScript();
            case NATIVE -> null;
        };
        Map<String, String> v = new HashMap<>();
        v.put("path", path.toString());
        v.put("root", TO_ROOT);
        v.put("mode", mode.id());
        v.put("modeLabel", mode.label());
        v.put("modes", modeLinks(mode));
        v.put("flvUrl", TO_ROOT + path + ".flv");
        v.put("hlsUrl", TO_ROOT + path + ".m3u8");
        // LL-HLS (fMP4 parts) when it runs: the hls and native modes play it unless the page asks ?variant=ts.
        v.put("llHlsUrl", engine().service(LlHlsStreams.class) == null ? ""
                : TO_ROOT + LlNames.PATH_PREFIX + "/" + path + LlNames.PLAYLIST_SUFFIX);
        v.put("libraryScript", script == null ? ""
                : "<script src=\"" + Html.escape(TO_ROOT + script) + "\"></script>");
        v.put("streamState", stream == null ? "not live" : StreamFacts.state(stream));
        v.put("streamStateClass", stream == null ? "absent" : stream.state().name().toLowerCase(Locale.ROOT));
        v.put("notice", live ? "" : stream != null && stream.isOnDemand()
                ? "This stream is being pulled from its origin; the player starts as soon as it arrives."
                : "This stream is not live yet. The player keeps retrying; it starts when a publisher sends " + path
                + ".");
        v.put("noticeHidden", live ? "hidden" : "");
        v.put("video", stream == null || !showFacts ? "-" : StreamFacts.video(stream));
        v.put("audio", stream == null || !showFacts ? "-" : StreamFacts.audio(stream));
        return PAGE.render(v);
    }

    private static String modeLinks(PlayMode current) {
        StringBuilder s = new StringBuilder();
        for (PlayMode m : PlayMode.values()) {
            s.append("<a href=\"?mode=").append(m.id()).append('"');
            if (m == current) {
                s.append(" class=\"current\" aria-current=\"page\"");
            }
            s.append(" data-mode=\"").append(m.id()).append("\">").append(Html.escape(m.label())).append("</a>");
        }
        return s.toString();
    }
}
