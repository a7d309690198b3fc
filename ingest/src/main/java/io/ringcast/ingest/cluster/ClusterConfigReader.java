package io.ringcast.ingest.cluster;

import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.ingest.RtmpConfig;
import io.ringcast.ingest.upstream.UpstreamUrl;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reads {@code [cluster]} (and {@code [rtmp] port}, the default of {@code advertise_rtmp}) into a
 * {@link ClusterConfig}; every bad value fails with the file, line and key ({@link ConfigSection#error}), and a
 * message never shows the directory's password. Startup only, one thread.
 */
public final class ClusterConfigReader {
    public static final String SECTION = "cluster";
    public static final long DEFAULT_ENTRY_TTL_MS = 10_000;
    public static final long DEFAULT_NODE_TTL_MS = 3_000;
    public static final long DEFAULT_REDIS_TIMEOUT_MS = 500;
    public static final String DEFAULT_KEY_PREFIX = "ringcast:";
    public static final String PULL_OVER_HTTP_FLV = "http-flv";
    public static final String PULL_OVER_RTMP = "rtmp";
    public static final int MAX_NODE_ID_CHARS = 64;
    /** Shortest expiry: refreshed every third of it, a Redis round trip must fit several times over. */
    static final long MIN_TTL_MS = 30;
    static final long MAX_TTL_MS = 86_400_000;
    static final long MAX_REDIS_TIMEOUT_MS = 60_000;
    static final int MAX_KEY_PREFIX_CHARS = 64;
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_.-]{1," + MAX_NODE_ID_CHARS + "}");
    private static final int DEFAULT_REDIS_PORT = 6379;

    private ClusterConfigReader() {
    }

    /** {@code [cluster]} of the file, the node id defaulting to this machine's host name. */
    public static ClusterConfig read(ConfigFile file) {
        return read(file, ClusterConfigReader::hostName);
    }

    /**
     * As {@link #read(ConfigFile)} with the host name given (asked only when the cluster is on and {@code node_id}
     * is absent).
     */
    public static ClusterConfig read(ConfigFile file, Supplier<String> hostName) {
        int rtmpPort = RtmpConfig.from(file.section("rtmp")).port();
        return read(file.section(SECTION), rtmpPort, hostName);
    }

    /** Only {@code [cluster]}, with the RTMP port given. */
    public static ClusterConfig read(ConfigSection s, int rtmpPort, Supplier<String> hostName) {
        String directory = s.getString("directory", "").trim();
        boolean enabled = !directory.isEmpty();
        if (enabled) {
            checkDirectory(s, directory);
        }
        String nodeId = s.getString("node_id", "");
        boolean nodeIdGiven = s.keys().contains("node_id");
        if (!nodeIdGiven && enabled) {
            nodeId = hostName.get();
            if (!NODE_ID.matcher(nodeId).matches()) {
                throw s.error("node_id", "is not set and the host name \"" + nodeId + "\" is not a valid node id"
                        + " (1-" + MAX_NODE_ID_CHARS + " characters of A-Z a-z 0-9 _ . -): set node_id");
            }
        } else if (nodeIdGiven && !NODE_ID.matcher(nodeId).matches()) {
            throw s.error("node_id", "must be 1-" + MAX_NODE_ID_CHARS + " characters of A-Z a-z 0-9 _ . -, is \""
                    + nodeId + "\"");
        }
        ClusterRole role = role(s);
        String advertise = stripTrailingSlash(s.getString("advertise", "").trim());
        if (advertise.isEmpty()) {
            if (enabled) {
                throw s.error("advertise", "is required when directory is set: how other nodes reach this one, "
                        + "e.g. \"http://10.0.0.1:8080\"");
            }
        } else {
            checkHostPortUrl(s, "advertise", advertise, "http");
        }
        String advertiseRtmp = stripTrailingSlash(s.getString("advertise_rtmp", "").trim());
        if (!advertiseRtmp.isEmpty()) {
            checkHostPortUrl(s, "advertise_rtmp", advertiseRtmp, "rtmp");
        } else if (!advertise.isEmpty()) {
            advertiseRtmp = "rtmp://" + URI.create(advertise).getRawAuthority().replaceFirst(":\\d+$", "") + ":"
                    + rtmpPort;
        }
        long entryTtlMs = s.getLong("entry_ttl_ms", DEFAULT_ENTRY_TTL_MS, MIN_TTL_MS, MAX_TTL_MS);
        long nodeTtlMs = s.getLong("node_ttl_ms", DEFAULT_NODE_TTL_MS, MIN_TTL_MS, MAX_TTL_MS);
        long redisTimeoutMs = s.getLong("redis_timeout_ms", DEFAULT_REDIS_TIMEOUT_MS, 1, MAX_REDIS_TIMEOUT_MS);
        String pullOver = s.getString("pull_over", PULL_OVER_HTTP_FLV);
        if (!pullOver.equals(PULL_OVER_HTTP_FLV) && !pullOver.equals(PULL_OVER_RTMP)) {
            throw s.error("pull_over", "must be \"" + PULL_OVER_HTTP_FLV + "\" or \"" + PULL_OVER_RTMP + "\", is \""
                    + pullOver + "\"");
        }
        String keyPrefix = s.getString("key_prefix", DEFAULT_KEY_PREFIX);
        if (keyPrefix.length() > MAX_KEY_PREFIX_CHARS || !keyPrefix.chars().allMatch(c -> c > ' ' && c < 0x7F)) {
            throw s.error("key_prefix", "must be at most " + MAX_KEY_PREFIX_CHARS
                    + " printable ASCII characters without spaces, is \"" + keyPrefix + "\"");
        }
        return new ClusterConfig(nodeId, role, advertise, advertiseRtmp, directory, entryTtlMs, nodeTtlMs,
                redisTimeoutMs, pullOver, keyPrefix);
    }

    private static ClusterRole role(ConfigSection s) {
        String role = s.getString("role", "both");
        return switch (role) {
            case "origin" -> ClusterRole.ORIGIN;
            case "edge" -> ClusterRole.EDGE;
            case "both" -> ClusterRole.BOTH;
            default -> throw s.error("role", "must be \"origin\", \"edge\" or \"both\", is \"" + role + "\"");
        };
    }

    /** {@code redis://[[user]:password@]host[:port][/db]} or {@code rediss://...}; the message masks credentials. */
    private static void checkDirectory(ConfigSection s, String directory) {
        String shown = UpstreamUrl.maskText(directory);
        URI uri;
        try {
            uri = new URI(directory);
        } catch (URISyntaxException e) {
            throw s.error("directory", "is not a URL: " + shown);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw s.error("directory", "must be a redis:// or rediss:// URL, is " + shown);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw s.error("directory", "has no host: " + shown + " (redis://[:password@]host:6379[/db])");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65_535) {
            throw s.error("directory", "has a port out of range: " + shown);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!path.isEmpty() && !path.equals("/") && !path.matches("/\\d{1,5}")) {
            throw s.error("directory", "may end in /DB, a database number, not " + path + ": " + shown);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw s.error("directory", "takes no query or fragment: " + shown);
        }
    }

    /** The Redis URL with its port (default 6379), as {@link RedisStreamDirectory} connects to it. */
    static int redisPort(URI uri) {
        return uri.getPort() < 0 ? DEFAULT_REDIS_PORT : uri.getPort();
    }

    private static void checkHostPortUrl(ConfigSection s, String key, String url, String scheme) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw s.error(key, "is not a URL: \"" + url + "\" (" + scheme + "://host:port)");
        }
        if (!scheme.equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0 || uri.getPort() > 65_535
                || uri.getRawUserInfo() != null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw s.error(key, "must be " + scheme + "://host:port, is \"" + url + "\"");
        }
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "" : env;
        }
    }
}
