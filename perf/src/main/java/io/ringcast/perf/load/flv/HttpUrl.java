package io.ringcast.perf.load.flv;

import java.net.URI;
import java.net.URISyntaxException;

/** A parsed {@code http://host[:port]/path[?query]} URL of an HTTP-FLV stream. Immutable. */
public record HttpUrl(String host, int port, String pathAndQuery) {
    public static final int DEFAULT_PORT = 80;

    /** @throws IllegalArgumentException naming the URL when it is no usable http URL */
    public static HttpUrl parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad HTTP URL " + url + ": " + e.getMessage());
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http://host[:port]/path URL: " + url);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return new HttpUrl(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(),
                path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    /** The GET request a viewer sends: HTTP/1.1, keep-alive by default. */
    public String request() {
        return "GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nUser-Agent: ringcast-loadgen\r\nAccept: */*\r\n\r\n";
    }

    @Override
    public String toString() {
        return "http://" + host + ":" + port + pathAndQuery;
    }
}
