package io.ringcast.perf.load.rtmp;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A parsed {@code rtmp://host[:port]/app/name} URL: the application is the first path segment, the stream name the
 * rest (query included, e.g. a signed play token). Immutable.
 */
public record RtmpUrl(String host, int port, String app, String streamName) {
    public static final int DEFAULT_PORT = 1935;

    /** @throws IllegalArgumentException naming the URL when it is no usable RTMP URL */
    public static RtmpUrl parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad RTMP URL " + url + ": " + e.getMessage());
        }
        if (!"rtmp".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawPath() == null) {
            throw new IllegalArgumentException("not an rtmp://host[:port]/app/name URL: " + url);
        }
        String path = uri.getRawPath().startsWith("/") ? uri.getRawPath().substring(1) : uri.getRawPath();
        int slash = path.indexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            throw new IllegalArgumentException("RTMP URL needs /app/name: " + url);
        }
        String name = path.substring(slash + 1) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new RtmpUrl(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), path.substring(0, slash),
                name);
    }

    /** The tcUrl of the connect command: the URL without the stream name. */
    public String tcUrl() {
        return "rtmp://" + host + ":" + port + "/" + app;
    }

    @Override
    public String toString() {
        return tcUrl() + "/" + streamName;
    }
}
