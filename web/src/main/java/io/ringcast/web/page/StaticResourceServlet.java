package io.ringcast.web.page;

import io.ringcast.web.http.Cors;
import io.ringcast.web.http.ResponseBody;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * The pages' static files, mapped at {@code /assets/*} and {@code /webjars/*}: the player script and style sheet,
 * and the player libraries (hls.js is over 600 KB). Served instead of the container's default servlet because that
 * one writes blocking: a client that requests a library and reads nothing would hold a request thread until the
 * write timeout, and a few dozen of them every thread. Here each file goes out through {@link ResponseBody}. Runs on
 * container request threads.
 *
 * <p>Files come from the web application's resources ({@code META-INF/resources/} of the jar, which Undertow, Tomcat
 * and Jetty all look into): the container resolves the path, so it stays inside them. Each file is read once and
 * kept in memory (the set is the jar's, fixed and small: about 1 MB); answers carry an ETag and honour
 * {@code If-None-Match}. The libraries' paths carry their version, so they may be cached for a year; the page
 * assets are revalidated. CORS: {@link io.ringcast.web.endpoint.Endpoint#STATIC_FILES}.
 */
public final class StaticResourceServlet extends HttpServlet {
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    private static final String WEBJARS = "/webjars/";
    private static final String REVALIDATE = "no-cache";
    private static final String FALLBACK_TYPE = "application/octet-stream";

    private final transient Map<String, StaticFile> files = new ConcurrentHashMap<>();

    /** One file as served: its bytes, type and entity tag. */
    private record StaticFile(byte[] bytes, String contentType, String etag) {
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
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        StaticFile file = isFilePath(path) ? find(path) : null;
        if (file == null) {
            Cors.textError(response, HttpServletResponse.SC_NOT_FOUND, "not found", withBody);
            return;
        }
        response.setHeader("ETag", file.etag());
        response.setHeader("Cache-Control", path.startsWith(WEBJARS) ? IMMUTABLE : REVALIDATE);
        response.setHeader("X-Content-Type-Options", "nosniff");
        if (file.etag().equals(request.getHeader("If-None-Match"))) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(file.contentType());
        ResponseBody.send(request, response, file.bytes(), withBody);
    }

    /** A plain path to a file: no dot segments, no backslash, and a last segment with an extension. */
    private static boolean isFilePath(String path) {
        if (path.contains("..") || path.contains("\\") || path.contains("//") || path.indexOf('\0') >= 0) {
            return false;
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.indexOf('.') > 0;
    }

    /** The file at {@code path}, read once; null when the web application has none there. */
    private StaticFile find(String path) throws IOException {
        StaticFile cached = files.get(path);
        if (cached != null) {
            return cached;
        }
        Set<String> children = getServletContext().getResourcePaths(path + "/");
        if (children != null && !children.isEmpty()) {
            return null; // a directory: never listed (Jetty answers an empty set for a file)
        }
        byte[] bytes;
        try (InputStream in = getServletContext().getResourceAsStream(path)) {
            if (in == null) {
                return null;
            }
            bytes = in.readAllBytes();
        }
        String type = getServletContext().getMimeType(path);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        StaticFile file = new StaticFile(bytes, type == null ? FALLBACK_TYPE : type,
                "\"" + HexFormat.of().toHexDigits(crc.getValue()) + "-" + bytes.length + "\"");
        StaticFile raced = files.putIfAbsent(path, file);
        return raced == null ? file : raced;
    }
}
