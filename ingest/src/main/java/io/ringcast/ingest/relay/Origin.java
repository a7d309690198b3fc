package io.ringcast.ingest.relay;

import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ingest.upstream.UpstreamUrl;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A named origin of the proxy form ({@code [origins] a = "rtmp://10.0.0.1:1935"}): requests name it, never a host.
 * Immutable.
 *
 * @param name  the name requests use ({@code src=a})
 * @param base  the origin URL without a path, e.g. {@code rtmp://10.0.0.1:1935} (credentials allowed)
 * @param ports the ports a request may ask for; the URL's own port is always among them
 */
public record Origin(String name, String base, Set<Integer> ports) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    /**
     * @param ports the allowed ports, or empty for the URL's own
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Origin of(String name, String url, List<Long> ports) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("origin name \"" + name + "\" must be 1-32 characters of "
                    + "A-Z a-z 0-9 _ -");
        }
        String base = url == null ? "" : url.trim();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(base);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("origin " + name + ": malformed URL " + UpstreamUrl.maskText(url));
        }
        if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null) {
            throw new IllegalArgumentException("origin " + name + ": the URL must have no path or query, the "
                    + "request names app and stream: " + UpstreamUrl.maskText(url));
        }
        Origin probe = new Origin(name, base, Set.of());
        UpstreamUrl sample = UpstreamUrl.parse(probe.urlText(-1, new StreamPath("app", "stream")));
        Set<Integer> allowed = new TreeSet<>();
        allowed.add(sample.port());
        ports.forEach(p -> allowed.add(Math.toIntExact(p)));
        return new Origin(name, base, Set.copyOf(allowed));
    }

    /** The URL's own port, used when a request names none. */
    public int defaultPort() {
        return UpstreamUrl.parse(urlText(-1, new StreamPath("app", "stream"))).port();
    }

    /**
     * The upstream of {@code app/stream} on {@code port} ({@code -1}: the default); rtmp {@code base/app/stream},
     * http {@code base/app/stream.flv}. The caller checked the port against {@link #ports}.
     */
    public UpstreamUrl urlFor(int port, StreamPath path) {
        return UpstreamUrl.parse(urlText(port, path));
    }

    private String urlText(int port, StreamPath path) {
        String withPort = base;
        if (port > 0) {
            URI uri = URI.create(base);
            String authority = (uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@")
                    + ((uri.getHost().indexOf(':') >= 0 && !uri.getHost().startsWith("["))
                    ? "[" + uri.getHost() + "]" : uri.getHost()) + ":" + port;
            withPort = uri.getScheme() + "://" + authority;
        }
        String suffix = base.regionMatches(true, 0, "http:", 0, 5) ? ".flv" : "";
        return withPort + "/" + path.app() + "/" + path.name() + suffix;
    }

    @Override
    public String toString() {
        return name + "=" + UpstreamUrl.maskText(base) + " ports " + ports;
    }
}
