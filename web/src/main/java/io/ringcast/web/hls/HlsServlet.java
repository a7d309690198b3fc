package io.ringcast.web.hls;

import io.ringcast.broadcast.hls.HlsSegment;
import io.ringcast.broadcast.hls.HlsStream;
import io.ringcast.broadcast.hls.HlsStreams;
import io.ringcast.broadcast.hls.HlsWindow;
import io.ringcast.broadcast.hls.Playlist;
import io.ringcast.web.http.Cors;
import io.ringcast.web.http.PlayAccess;
import io.ringcast.web.http.ResponseBody;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

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
 */
public final class HlsServlet extends HttpServlet {
    public static final String SEGMENT_CONTENT_TYPE = "video/mp2t";

    private transient HlsStreams streams;
    private transient String segmentCacheControl;

    @Override
    public void init() throws ServletException {
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
        HlsStream stream = streams.find(target.path());
        if (stream == null) {
            Cors.textError(response, HttpServletResponse.SC_NOT_FOUND, "no HLS stream " + target.path(), withBody);
            return;
        }
        HlsWindow window = stream.window();
        if (target.isPlaylist()) {
            if (window.isEmpty()) {
                Cors.textError(response, HttpServletResponse.SC_NOT_FOUND, "no segment of " + target.path()
                        + " yet", withBody);
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
