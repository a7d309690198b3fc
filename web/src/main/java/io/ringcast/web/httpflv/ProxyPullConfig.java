package io.ringcast.web.httpflv;

import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.config.ConfigSection;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where the relays' proxy form ({@code GET /live?src=a&app=myapp&stream=test}) is served: {@code [relay] proxy_path}
 * (default {@value #DEFAULT_PATH}; "" turns the form off). The {@code [relay]} section belongs to the relay plugin
 * in ingest, which knows no HTTP: the web reads this one key of it (a section's keys may be read by several
 * components; the configuration then accepts the section's other keys only if the relay plugin read them). Read at
 * startup by {@link io.ringcast.web.RingcastRuntime} and registered as an engine service, so the servlet context
 * listener maps the form in the embedded server and in a WAR alike.
 *
 * @param path the exact servlet path of the form, e.g. {@code /live}, or "" when off
 */
public record ProxyPullConfig(String path) {
    public static final String SECTION = "relay";
    public static final String KEY = "proxy_path";
    public static final String DEFAULT_PATH = "/live";
    /** One or more segments of URL-safe characters; an exact mapping, so {@code /live/x.flv} stays HTTP-FLV's. */
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9_.~-]{1,64}){1,8}");
    /** The extensions other servlets are mapped by: an exact path ending in one would take their requests. */
    private static final String[] MAPPED_EXTENSIONS = {".flv", ".m3u8", ".ts"};

    /** The form at its default path, for an engine started without {@link io.ringcast.web.RingcastRuntime}. */
    public static final ProxyPullConfig DEFAULT = new ProxyPullConfig(DEFAULT_PATH);

    public ProxyPullConfig {
        String problem = problem(path);
        if (problem != null) {
            throw new IllegalArgumentException("proxy_path " + problem + ": " + path);
        }
    }

    /** Reads {@code [relay] proxy_path}; a bad value fails naming the file, line and key. */
    public static ProxyPullConfig read(ConfigFile file) {
        ConfigSection s = file.section(SECTION);
        String path = s.getString(KEY, DEFAULT_PATH);
        String problem = problem(path);
        if (problem != null) {
            throw s.error(KEY, problem);
        }
        return new ProxyPullConfig(path);
    }

    public boolean enabled() {
        return !path.isEmpty();
    }

    private static String problem(String path) {
        if (path == null) {
            return "is missing";
        }
        if (path.isEmpty()) {
            return null;
        }
        if (!PATH.matcher(path).matches()) {
            return "must be an absolute path like /live (segments of A-Z a-z 0-9 _ . ~ -, no trailing slash)";
        }
        String lower = path.toLowerCase(Locale.ROOT);
        for (String extension : MAPPED_EXTENSIONS) {
            if (lower.endsWith(extension)) {
                return "must not end with " + extension + ", which HTTP-FLV or HLS serve";
            }
        }
        return null;
    }
}
