package io.ringcast.ingest.upstream;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A parsed upstream or push-target URL: {@code rtmp://[user:pass@]host[:port]/app[/instance]/name[?query]} or
 * {@code http://[user:pass@]host[:port]/path[?query]}. {@link #toString()} and {@link #masked()} hide credentials (the
 * user info and the values of query parameters that carry secrets), so a URL can go to logs and the API as is; only
 * the clients read {@link #raw()}.
 *
 * @param raw       the URL as configured (with credentials)
 * @param scheme    "rtmp" or "http", lower case
 * @param host      host name or address
 * @param port      the port, or the scheme's default (1935, 80)
 * @param path      the path without the leading slash, e.g. {@code live/cam1} (may be empty for http)
 * @param query     the query without '?', or "" when none
 */
public record UpstreamUrl(String raw, String scheme, String host, int port, String path, String query) {
    public static final int RTMP_DEFAULT_PORT = 1935;
    public static final int HTTP_DEFAULT_PORT = 80;
    private static final int MAX_LENGTH = 2048;
    /** Query parameters whose values are secrets: stream keys, tokens, passwords, signatures. */
    private static final Pattern SECRET_PARAMETER =
            Pattern.compile("(?i).*(key|token|secret|pass|auth|sign|jwt|sig|credential).*");

    /**
     * Parses a URL.
     *
     * @throws IllegalArgumentException naming what is wrong (scheme, host, port, path), without echoing credentials
     */
    public static UpstreamUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("missing URL");
        }
        if (url.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("URL longer than " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed URL at index " + e.getIndex() + ": " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int defaultPort = switch (scheme) {
            case "rtmp" -> RTMP_DEFAULT_PORT;
            case "http" -> HTTP_DEFAULT_PORT;
            default -> throw new IllegalArgumentException("unsupported URL scheme '" + scheme
                    + "': expected rtmp:// or http://");
        };
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("URL has no host: " + maskText(url));
        }
        int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
        if (port == 0 || port > 65_535) {
            throw new IllegalArgumentException("URL port out of range: " + port);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        path = path.startsWith("/") ? path.substring(1) : path;
        if ("rtmp".equals(scheme) && (path.isEmpty() || path.indexOf('/') < 0 || path.endsWith("/"))) {
            throw new IllegalArgumentException("an rtmp URL needs /app/name: " + maskText(url));
        }
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        return new UpstreamUrl(url.trim(), scheme, host, port, path, query);
    }

    public boolean isRtmp() {
        return "rtmp".equals(scheme);
    }

    /**
     * RTMP: the application, everything before the last path segment ({@code live} or {@code live/instance}).
     */
    public String rtmpApp() {
        return path.substring(0, path.lastIndexOf('/'));
    }

    /** RTMP: the stream name to play or publish, the last path segment plus the query (stream keys live there). */
    public String rtmpStreamName() {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return query.isEmpty() ? name : name + '?' + query;
    }

    /** RTMP: the tcUrl of the connect command, {@code rtmp://host:port/app}. */
    public String rtmpTcUrl() {
        return scheme + "://" + hostForUrl() + ':' + port + '/' + rtmpApp();
    }

    /** HTTP: the request target, {@code /path?query}. */
    public String httpTarget() {
        return '/' + path + (query.isEmpty() ? "" : '?' + query);
    }

    /** HTTP: the Host header value. */
    public String hostHeader() {
        return hostForUrl() + (port == HTTP_DEFAULT_PORT ? "" : ":" + port);
    }

    /** The URL with its credentials hidden: user info, and the values of secret-looking query parameters. */
    public String masked() {
        return maskText(raw);
    }

    @Override
    public String toString() {
        return masked();
    }

    private String hostForUrl() {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? '[' + host + ']' : host;
    }

    /** Masks any URL-shaped text, parsed or not: {@code user:pass@} and secret query values become {@code ***}. */
    public static String maskText(String url) {
        if (url == null) {
            return "null";
        }
        String masked = url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@?#]*@", "$1***@");
        int q = masked.indexOf('?');
        if (q < 0) {
            return masked;
        }
        StringBuilder out = new StringBuilder(masked.substring(0, q + 1));
        String[] parameters = masked.substring(q + 1).split("&", -1);
        for (int i = 0; i < parameters.length; i++) {
            String parameter = parameters[i];
            int eq = parameter.indexOf('=');
            if (i > 0) {
                out.append('&');
            }
            if (eq > 0 && SECRET_PARAMETER.matcher(parameter.substring(0, eq)).matches()) {
                out.append(parameter, 0, eq + 1).append("***");
            } else {
                out.append(parameter);
            }
        }
        return out.toString();
    }
}
