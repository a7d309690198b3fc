package io.ringcast.ingest.relay;

import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.stream.StreamPath;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The relay configuration: {@code [relay]} settings, {@code [[pull]]} and {@code [[push]]} rules and the named
 * {@code [origins]} of the proxy form. Immutable; read at startup.
 *
 * @param enable           whether relays run (and the API may start them)
 * @param allowHosts       hosts API URLs may name; empty: none (config URLs are trusted)
 * @param maxPulls         pulls at once (rules, on demand, API, proxy form); more are refused with 503
 * @param maxPushes        pushes at once; more are refused with 503
 * @param connectTimeoutMs bound on connecting to an upstream or target, for the clients
 * @param readTimeoutMs    an upstream that sends no byte this long fails the attempt, for the clients
 * @param backoffMinMs     first wait after a full round of failed attempts
 * @param backoffMaxMs     longest wait between rounds
 * @param pulls            pull rules, in file order (the first match supplies a path)
 * @param pushes           push rules; every matching rule pushes
 * @param origins          named origins of the proxy form
 */
public record RelayConfig(boolean enable, List<HostPattern> allowHosts, int maxPulls, int maxPushes,
                          long connectTimeoutMs, long readTimeoutMs, long backoffMinMs, long backoffMaxMs,
                          List<PullRule> pulls, List<PushRule> pushes, Map<String, Origin> origins) {
    public static final String SECTION = "relay";
    public static final RelayConfig DEFAULTS = new RelayConfig(true, List.of(), 64, 64, 3_000, 5_000, 500, 10_000,
            List.of(), List.of(), Map.of());

    public RelayConfig {
        allowHosts = List.copyOf(allowHosts);
        pulls = List.copyOf(pulls);
        pushes = List.copyOf(pushes);
        origins = Map.copyOf(origins);
        if (maxPulls < 1 || maxPushes < 1) {
            throw new IllegalArgumentException("max_pulls and max_pushes must be positive: " + maxPulls + ", "
                    + maxPushes);
        }
        if (backoffMinMs < 1 || backoffMaxMs < backoffMinMs) {
            throw new IllegalArgumentException("backoff_min_ms must be positive and at most backoff_max_ms: "
                    + backoffMinMs + ", " + backoffMaxMs);
        }
        long alwaysOn = pulls.stream().filter(r -> !r.onDemand()).count();
        if (alwaysOn > maxPulls) {
            throw new IllegalArgumentException(alwaysOn + " always-on [[pull]] rules exceed max_pulls " + maxPulls);
        }
    }

    /**
     * Reads {@code [relay]}, {@code [[pull]]}, {@code [[push]]} and {@code [origins]}.
     *
     * @throws ConfigException naming the file, line, table and key of the first problem
     */
    public static RelayConfig read(ConfigFile file) {
        RelayConfig d = DEFAULTS;
        ConfigSection s = file.section(SECTION);
        List<HostPattern> allow = parseEach(s, "allow_hosts", s.getStringList("allow_hosts", List.of()),
                HostPattern::parse);
        int maxPulls = s.getInt("max_pulls", d.maxPulls(), 1, 100_000);
        int maxPushes = s.getInt("max_pushes", d.maxPushes(), 1, 100_000);
        long connectMs = s.getLong("connect_timeout_ms", d.connectTimeoutMs(), 1, 600_000);
        long readMs = s.getLong("read_timeout_ms", d.readTimeoutMs(), 1, 3_600_000);
        long minMs = s.getLong("backoff_min_ms", d.backoffMinMs(), 1, 3_600_000);
        long maxMs = s.getLong("backoff_max_ms", d.backoffMaxMs(), 1, 3_600_000);
        if (maxMs < minMs) {
            throw s.error("backoff_max_ms", "(" + maxMs + ") must not be below backoff_min_ms (" + minMs + ")");
        }
        boolean enable = s.getBoolean("enable", d.enable());

        List<PullRule> pulls = new ArrayList<>();
        for (ConfigSection t : file.tableArray("pull")) {
            PathGlob match = parseOne(t, "match", t.getString("match", null), PathGlob::parse);
            List<UrlTemplate> from = parseEach(t, "from", t.getStringList("from", List.of()), UrlTemplate::parse);
            boolean onDemand = t.getBoolean("on_demand", true);
            String backupText = t.getString("backup", null);
            UrlTemplate backup = backupText == null ? null : parseOne(t, "backup", backupText, UrlTemplate::parse);
            if (from.isEmpty()) {
                throw t.error("from", "must list at least one URL");
            }
            if (!onDemand && !match.isLiteral()) {
                throw t.error("on_demand", "= false needs a match naming one stream (app/name), not the pattern \""
                        + match + "\"");
            }
            pulls.add(new PullRule(match, from, onDemand, backup));
        }
        List<PushRule> pushes = new ArrayList<>();
        for (ConfigSection t : file.tableArray("push")) {
            PathGlob match = parseOne(t, "match", t.getString("match", null), PathGlob::parse);
            List<UrlTemplate> to = parseEach(t, "to", t.getStringList("to", List.of()), UrlTemplate::parse);
            if (to.isEmpty()) {
                throw t.error("to", "must list at least one URL");
            }
            for (UrlTemplate target : to) {
                if (!target.urlFor(new StreamPath("app", "name")).isRtmp()) {
                    throw t.error("to", "is invalid: a push target must be an rtmp:// URL: " + target);
                }
            }
            pushes.add(new PushRule(match, to));
        }
        Map<String, Origin> origins = new LinkedHashMap<>();
        ConfigSection o = file.section("origins");
        for (String name : o.keys()) {
            String url;
            List<Long> ports = List.of();
            if (o.isTable(name)) {
                ConfigSection entry = o.table(name);
                url = entry.getString("url", null);
                ports = entry.getLongList("ports", List.of(), 1, 65_535);
                if (url == null) {
                    throw o.error(name, "needs url = \"rtmp://host[:port]\"");
                }
            } else {
                url = o.getString(name, null);
            }
            String originUrl = url;
            List<Long> originPorts = ports;
            origins.put(name, parseOne(o, name, name, n -> Origin.of(n, originUrl, originPorts)));
        }
        try {
            return new RelayConfig(enable, allow, maxPulls, maxPushes, connectMs, readMs, minMs, maxMs, pulls,
                    pushes, origins);
        } catch (IllegalArgumentException e) {
            throw s.error("", e.getMessage());
        }
    }

    private static <T> T parseOne(ConfigSection s, String key, String text, Function<String, T> parser) {
        if (text == null) {
            throw s.error(key, "is missing");
        }
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw s.error(key, "is invalid: " + e.getMessage());
        }
    }

    private static <T> List<T> parseEach(ConfigSection s, String key, List<String> texts,
                                         Function<String, T> parser) {
        List<T> values = new ArrayList<>();
        for (String text : texts) {
            values.add(parseOne(s, key, text, parser));
        }
        return values;
    }

    /** The first pull rule supplying {@code path} on demand, or null. */
    public PullRule onDemandRuleFor(StreamPath path) {
        for (PullRule rule : pulls) {
            if (rule.onDemand() && rule.match().matches(path)) {
                return rule;
            }
        }
        return null;
    }
}
