package io.ringcast.web.page;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.web.control.AdminAuth;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The stream list at the context root (mapped to {@code ""}, the exact-root mapping): every stream with its state,
 * codecs and viewers, linking to the player page and the raw HTTP-FLV and HLS URLs. These are stats: with
 * {@code [control] protect_stats} the page needs the admin JWT as {@code /api/*} does ({@code ?jwt=} from a
 * browser), else 401/403 with the reason and no stream named ({@link io.ringcast.web.endpoint.Endpoint#STREAM_INDEX}).
 * Runs on container request threads and reads the engine's thread-safe stream registry and stats.
 */
public final class StreamIndexServlet extends PageServlet {
    private static final PageTemplate PAGE = PageTemplate.load("io/ringcast/web/page/index.html");

    public StreamIndexServlet(Engine engine) {
        super(engine);
    }

    /** A request refused by the stats protection: an error page naming the reason (HEAD: its headers only). */
    public static void refuse(HttpServletRequest request, HttpServletResponse response, AdminAuth.Verdict verdict,
                              boolean withBody) throws IOException {
        HtmlResponse.error(request, response, verdict.status(), "the stream list needs the admin token "
                + "([control] protect_stats): " + verdict.reason(), withBody);
    }

    @Override
    void render(HttpServletRequest request, HttpServletResponse response, boolean withBody) throws IOException {
        if (request.getPathInfo() != null && !request.getPathInfo().equals("/")) {
            HtmlResponse.error(request, response, HttpServletResponse.SC_NOT_FOUND, "no such page",
                    withBody);
            return;
        }
        List<Stream> streams = new ArrayList<>(engine().streams().streams());
        streams.sort(Comparator.comparing(s -> s.path().toString()));
        StringBuilder rows = new StringBuilder();
        for (Stream s : streams) {
            appendRow(rows, s);
        }
        String html = PAGE.render(Map.of(
                "count", streams.size() == 1 ? "1 stream" : streams.size() + " streams",
                "rows", rows.toString(),
                "emptyHidden", streams.isEmpty() ? "" : "hidden",
                "generatedAt", engine().wallClock().instant().truncatedTo(ChronoUnit.SECONDS).toString()));
        HtmlResponse.send(request, response, HttpServletResponse.SC_OK, html, withBody);
    }

    /** One table row; every value is escaped, every link is relative to the context root. */
    static void appendRow(StringBuilder out, Stream stream) {
        String path = stream.path().toString();
        String play = Html.escape("play/" + path);
        String state = StreamFacts.state(stream);
        out.append("<tr>")
                .append("<td class=\"path\"><a href=\"").append(play).append("\">")
                .append(Html.escape(path)).append("</a></td>")
                .append("<td><span class=\"state state-")
                .append(Html.escape(stream.state().name().toLowerCase(Locale.ROOT)))
                .append("\">").append(Html.escape(state)).append("</span></td>")
                .append("<td>").append(Html.escape(StreamFacts.video(stream))).append("</td>")
                .append("<td>").append(Html.escape(StreamFacts.audio(stream))).append("</td>")
                .append("<td class=\"num\">").append(stream.subscriberCount()).append("</td>")
                .append("<td class=\"publisher\">").append(Html.escape(StreamFacts.publisher(stream))).append("</td>")
                .append("<td class=\"links\">")
                .append("<a class=\"button\" href=\"").append(play).append("\">Play</a> ")
                .append("<a href=\"").append(play).append("?mode=hls\">HLS</a> ")
                .append("<a href=\"").append(Html.escape(path + ".flv")).append("\">.flv</a> ")
                .append("<a href=\"").append(Html.escape(path + ".m3u8")).append("\">.m3u8</a>")
                .append("</td></tr>\n");
    }
}
