package io.ringcast.ingest.relay;

import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.broadcast.stream.OnDemandSource;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamListener;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ingest.upstream.UpstreamUrl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The relays of this server: the {@link Relays} service, the {@link OnDemandSource} of the on-demand
 * {@code [[pull]]} rules, and the {@link StreamListener} that starts {@code [[push]]} rules' pushes. Checks what the
 * API asks for (allowed hosts, limits, loops) and keeps every running relay by key.
 *
 * <p>Threads: any. The relay table is guarded by this object's monitor, which is never held while a stream's or a
 * relay's monitor is taken (relays are started and stopped outside it).
 */
public final class RelayManager implements Relays, OnDemandSource, StreamListener, AutoCloseable {
    static final String ORIGIN_CONFIG = "config";
    static final String ORIGIN_API = "api";
    static final String ORIGIN_PROXY = "proxy";
    static final String ORIGIN_ON_DEMAND = "on-demand";
    static final String ORIGIN_HOOK = "hook";

    private final RelayConfig config;
    private final RelayContext ctx;
    private final LoopGuard loops;
    private final Map<String, PullRelay> pulls = new LinkedHashMap<>();
    private final Map<String, PushRelay> pushes = new LinkedHashMap<>();
    /** The last {@link Relays#ENDED_KEPT} relays that ended, newest first; under this object's monitor. */
    private final java.util.Deque<RelayView> ended = new java.util.ArrayDeque<>();
    /** Local paths of proxy-form pulls: on demand, so push rules leave them alone. */
    private final Set<StreamPath> proxyPaths = ConcurrentHashMap.newKeySet();
    private boolean atPullLimit;
    private boolean closed;

    /** @param loops recognises URLs of this server's own RTMP listener */
    RelayManager(RelayConfig config, RelayContext ctx, LoopGuard loops) {
        this.config = config;
        this.ctx = ctx;
        this.loops = loops;
    }

    public RelayConfig config() {
        return config;
    }

    /** Starts the always-on {@code [[pull]]} rules. */
    public void startAlwaysOnPulls() {
        for (PullRule rule : config.pulls()) {
            if (!rule.onDemand()) {
                StreamPath path = rule.match().literalPath();
                startPullRelay(path, ORIGIN_CONFIG, rule.urlsFor(path), null);
                rule.backupUrlFor(path).ifPresent(url -> startBackupPull(path, ORIGIN_CONFIG, url, null));
            }
        }
    }

    // ------------------------------------------------------------------ Relays (the web API)

    @Override
    public RelayView startPull(String app, String name, String url) {
        StreamPath path = pathOf(app, name);
        UpstreamUrl upstream = apiUrl(url, path);
        PullRelay relay;
        synchronized (this) {
            requireOpen();
            if (pulls.containsKey(pullKey(path))) {
                throw new RelayRefusedException(409, path + " is already pulled");
            }
            Stream local = ctx.registry().find(path);
            if (local != null && local.publisher() != null) {
                throw new RelayRefusedException(409, path + " is already published on this server");
            }
            requirePullRoom();
            relay = newPull(path, ORIGIN_API, List.of(upstream), null);
        }
        relay.start();
        return relay.view();
    }

    @Override
    public boolean stopPull(String app, String name) {
        PullRelay relay;
        synchronized (this) {
            if (!StreamPath.isValidPart(app) || !StreamPath.isValidPart(name)) {
                return false;
            }
            relay = pulls.get(pullKey(new StreamPath(app, name)));
            if (relay == null || !ORIGIN_API.equals(relay.origin())) {
                return false;
            }
        }
        relay.stop("stopped by the API");
        return true;
    }

    @Override
    public RelayView startPush(String app, String name, String url) {
        StreamPath path = pathOf(app, name);
        UpstreamUrl target = apiUrl(url, path);
        if (!target.isRtmp()) {
            throw new RelayRefusedException(400, "a push target must be an rtmp:// URL: " + target.masked());
        }
        PushRelay relay;
        synchronized (this) {
            requireOpen();
            String key = "push:" + path;
            if (pushes.containsKey(key)) {
                throw new RelayRefusedException(409, path + " is already pushed by the API");
            }
            Stream stream = ctx.registry().find(path);
            if (stream == null) {
                throw new RelayRefusedException(404, "no stream " + path + " on this server");
            }
            requirePushRoom();
            relay = newPushRelay(key, ORIGIN_API, target, stream);
            pushes.put(key, relay);
        }
        relay.start();
        return relay.view();
    }

    @Override
    public boolean stopPush(String app, String name) {
        PushRelay relay;
        synchronized (this) {
            if (!StreamPath.isValidPart(app) || !StreamPath.isValidPart(name)) {
                return false;
            }
            relay = pushes.get("push:" + new StreamPath(app, name));
        }
        if (relay == null) {
            return false;
        }
        relay.stop("stopped by the API");
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The local stream is {@code <origin>.<port>.<app>/<stream>}, so the same name on two origins (or two ports
     * of one) never mix, and every viewer of one origin's stream shares its one pull.
     */
    @Override
    public Stream pullFromOrigin(String originName, int port, String app, String stream) {
        Origin origin = originName == null ? null : config.origins().get(originName);
        if (origin == null) {
            throw new RelayRefusedException(403, "unknown origin '" + printable(originName) + "'");
        }
        int resolvedPort = port < 0 ? origin.defaultPort() : port;
        if (!origin.ports().contains(resolvedPort)) {
            throw new RelayRefusedException(403, "origin " + origin.name() + " may not be asked for port "
                    + resolvedPort + " (allowed: " + origin.ports() + ")");
        }
        StreamPath remote = pathOf(app, stream);
        StreamPath local;
        try {
            local = new StreamPath(origin.name() + "." + resolvedPort + "." + remote.app(), remote.name());
        } catch (IllegalArgumentException e) {
            throw new RelayRefusedException(400, "app name too long for a proxied stream: " + e.getMessage());
        }
        UpstreamUrl upstream = origin.urlFor(resolvedPort, remote);
        Stream existing = ctx.registry().find(local);
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            requireOpen();
            requirePullRoom();
        }
        proxyPaths.add(local);
        try {
            return ctx.registry().demand(local, pulledFrom(local, ORIGIN_PROXY, upstream));
        } catch (LimitExceededException e) {
            proxyPaths.remove(local);
            throw new RelayRefusedException(503, e.getMessage());
        }
    }

    /** The on-demand source of {@code local} alone, pulled from {@code upstream} and shown under {@code origin}. */
    private OnDemandSource pulledFrom(StreamPath local, String origin, UpstreamUrl upstream) {
        return new OnDemandSource() {
            @Override
            public boolean supplies(StreamPath path) {
                return path.equals(local);
            }

            @Override
            public void start(Stream created) {
                startOnDemand(created, origin, List.of(upstream));
            }
        };
    }

    /**
     * A play hook answered with a redirect to {@code url} (nginx-rtmp's 3xx with an rtmp:// or http:// Location):
     * the local stream {@code local}, pulled on demand from {@code url} (or the stream already there), shared by
     * every viewer until the last leaves, as an on-demand rule's. The hook service is trusted as the configuration
     * is: {@code allow_hosts} does not apply, loops back to the same stream do. Any thread; does not block.
     *
     * @throws RelayRefusedException 400 a bad URL, 409 a loop, 503 relays stopped or {@code max_pulls} reached
     */
    public Stream pullOnHookRedirect(StreamPath local, String url) {
        UpstreamUrl upstream;
        try {
            upstream = UpstreamUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new RelayRefusedException(400, "bad URL: " + e.getMessage());
        }
        String loop = loops.loopReason(upstream, local);
        if (loop != null) {
            throw new RelayRefusedException(409, loop);
        }
        Stream existing = ctx.registry().find(local);
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            requireOpen();
            requirePullRoom();
        }
        try {
            return ctx.registry().demand(local, pulledFrom(local, ORIGIN_HOOK, upstream));
        } catch (LimitExceededException e) {
            throw new RelayRefusedException(503, e.getMessage());
        }
    }

    @Override
    public synchronized List<RelayView> relays() {
        List<RelayView> views = new ArrayList<>();
        pulls.values().forEach(r -> views.add(r.view()));
        pushes.values().forEach(r -> views.add(r.view()));
        return views;
    }

    @Override
    public synchronized List<RelayView> ended() {
        return List.copyOf(ended);
    }

    @Override
    public List<RelayView> relaysOf(StreamPath path) {
        return relays().stream().filter(v -> v.path().equals(path)).toList();
    }

    // ------------------------------------------------------------------ on-demand rules

    @Override
    public boolean supplies(StreamPath path) {
        if (config.onDemandRuleFor(path) == null) {
            return false;
        }
        synchronized (this) {
            if (closed) {
                return false;
            }
            boolean full = pulls.size() >= config.maxPulls();
            if (full && !atPullLimit) {
                ctx.log().warn("on-demand pulls refused: " + config.maxPulls() + " pulls run ([relay] max_pulls)");
            }
            atPullLimit = full;
            return !full;
        }
    }

    @Override
    public void start(Stream stream) {
        PullRule rule = config.onDemandRuleFor(stream.path());
        if (rule == null) {
            stream.close();
            return;
        }
        startOnDemand(stream, ORIGIN_ON_DEMAND, rule.urlsFor(stream.path()));
        rule.backupUrlFor(stream.path()).ifPresent(url -> startBackupPull(stream.path(), ORIGIN_ON_DEMAND, url,
                stream));
    }

    /**
     * Starts the pull of a rule's {@code backup} URL beside its main pull: it publishes as the stream's backup
     * source (key {@code pull:app/name#backup}); counted against max_pulls like any pull, skipped when none is left.
     */
    private void startBackupPull(StreamPath path, String origin, UpstreamUrl url, Stream stream) {
        PullRelay relay;
        synchronized (this) {
            String key = pullKey(path) + "#backup";
            if (closed || pulls.size() >= config.maxPulls() || pulls.containsKey(key)
                    || (stream != null && stream.isClosed())) {
                ctx.log().warn("backup pull of " + path + " from " + url.masked() + " not started");
                return;
            }
            PullRelay[] self = new PullRelay[1];
            self[0] = new PullRelay(key, path, origin, List.of(url), stream, ctx, () -> forgetPull(key, self[0]),
                    io.ringcast.broadcast.stream.SourceRole.BACKUP);
            pulls.put(key, self[0]);
            relay = self[0];
        }
        relay.start();
    }

    private void startOnDemand(Stream stream, String origin, List<UpstreamUrl> urls) {
        PullRelay relay;
        synchronized (this) {
            if (closed || pulls.size() >= config.maxPulls() || pulls.containsKey(pullKey(stream.path()))) {
                relay = null;
            } else {
                relay = newPull(stream.path(), origin, urls, stream);
            }
        }
        if (relay == null) {
            stream.close(); // its viewers get "not found"
            return;
        }
        relay.start();
    }

    /**
     * Pulls into the on-demand {@code stream} (another source's, e.g. the cluster's) from the upstreams
     * {@code resolver} names afresh before every round, waiting {@code backoff} between failed rounds, until the
     * stream closes. When relays stopped, {@code max_pulls} pulls run or the path is pulled already, the stream is
     * closed with the reason (its viewers get not found). Any thread; does not block.
     *
     * @param origin what started it, as {@code /api/relays} shows it
     */
    public void pullOnDemand(Stream stream, String origin, UpstreamResolver resolver, Backoff backoff) {
        PullRelay relay = null;
        String refusal;
        synchronized (this) {
            if (closed) {
                refusal = "relays are not running";
            } else if (pulls.size() >= config.maxPulls()) {
                refusal = "the server runs its maximum of " + config.maxPulls() + " pulls ([relay] max_pulls)";
            } else if (pulls.containsKey(pullKey(stream.path()))) {
                refusal = stream.path() + " is already pulled";
            } else {
                refusal = null;
                String key = pullKey(stream.path());
                PullRelay[] self = new PullRelay[1];
                self[0] = new PullRelay(key, stream.path(), origin, resolver, stream, ctx, backoff,
                        () -> forgetPull(key, self[0]));
                pulls.put(key, self[0]);
                relay = self[0];
            }
        }
        if (relay == null) {
            stream.close(stream.path() + " could not be pulled: " + refusal);
            return;
        }
        relay.start();
    }

    // ------------------------------------------------------------------ push rules

    /** A stream started here: pushes it to every matching {@code [[push]]} rule's targets (on publish threads). */
    @Override
    public void onStreamStarted(Stream stream) {
        StreamPath path = stream.path();
        if (stream.isOnDemand() || config.onDemandRuleFor(path) != null || proxyPaths.contains(path)) {
            return; // pulled on demand: a push would hold it open as a viewer
        }
        List<PushRelay> started = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            for (PushRule rule : config.pushes()) {
                if (!rule.match().matches(path)) {
                    continue;
                }
                for (UrlTemplate template : rule.to()) {
                    UpstreamUrl url = template.urlFor(path);
                    String key = "push:" + path + "->" + url.masked();
                    String loop = loops.loopReason(url, path);
                    if (loop != null) {
                        ctx.log().warn("push " + path + " to " + url.masked() + " refused: " + loop);
                    } else if (pushes.size() >= config.maxPushes()) {
                        ctx.log().warn("push " + path + " to " + url.masked() + " refused: " + config.maxPushes()
                                + " pushes run ([relay] max_pushes)");
                    } else if (!pushes.containsKey(key)) {
                        PushRelay relay = newPushRelay(key, ORIGIN_CONFIG, url, stream);
                        pushes.put(key, relay);
                        started.add(relay);
                    }
                }
            }
        }
        started.forEach(PushRelay::start);
    }

    // ------------------------------------------------------------------ shutdown

    /** Stops every relay (their connections close); later requests are refused with 503. */
    @Override
    public void close() {
        List<PullRelay> pullList;
        List<PushRelay> pushList;
        synchronized (this) {
            closed = true;
            pullList = new ArrayList<>(pulls.values());
            pushList = new ArrayList<>(pushes.values());
        }
        pushList.forEach(r -> r.stop("the server stops"));
        pullList.forEach(r -> r.stop("the server stops"));
    }

    // ------------------------------------------------------------------ helpers

    private void startPullRelay(StreamPath path, String origin, List<UpstreamUrl> urls, Stream stream) {
        PullRelay relay;
        synchronized (this) {
            relay = newPull(path, origin, urls, stream);
        }
        relay.start();
    }

    /** Registers a new pull (started by the caller, outside the monitor); under the monitor. */
    private PullRelay newPull(StreamPath path, String origin, List<UpstreamUrl> urls, Stream stream) {
        String key = pullKey(path);
        PullRelay[] self = new PullRelay[1];
        self[0] = new PullRelay(key, path, origin, urls, stream, ctx, () -> forgetPull(key, self[0]));
        pulls.put(key, self[0]);
        return self[0];
    }

    private PushRelay newPushRelay(String key, String origin, UpstreamUrl url, Stream stream) {
        PushRelay[] self = new PushRelay[1];
        self[0] = new PushRelay(key, origin, url, stream, ctx, () -> forgetPush(key, self[0]));
        return self[0];
    }

    private synchronized void forgetPull(String key, PullRelay relay) {
        if (pulls.remove(key, relay) && ORIGIN_PROXY.equals(relay.origin())) {
            proxyPaths.remove(relay.path());
        }
        atPullLimit = atPullLimit && pulls.size() >= config.maxPulls();
        remember(relay.view());
    }

    private synchronized void forgetPush(String key, PushRelay relay) {
        pushes.remove(key, relay);
        remember(relay.view());
    }

    private void remember(RelayView last) {
        ended.addFirst(last);
        while (ended.size() > ENDED_KEPT) {
            ended.removeLast();
        }
    }

    private static String pullKey(StreamPath path) {
        return "pull:" + path;
    }

    private void requireOpen() {
        if (closed || !config.enable()) {
            throw new RelayRefusedException(503, "relays are not running");
        }
    }

    private void requirePullRoom() {
        if (pulls.size() >= config.maxPulls()) {
            throw new RelayRefusedException(503, "the server runs its maximum of " + config.maxPulls()
                    + " pulls ([relay] max_pulls)");
        }
    }

    private void requirePushRoom() {
        if (pushes.size() >= config.maxPushes()) {
            throw new RelayRefusedException(503, "the server runs its maximum of " + config.maxPushes()
                    + " pushes ([relay] max_pushes)");
        }
    }

    private static StreamPath pathOf(String app, String name) {
        try {
            return new StreamPath(app, name);
        } catch (IllegalArgumentException e) {
            throw new RelayRefusedException(400, e.getMessage());
        }
    }

    /** Parses an API URL and checks it against allow_hosts and loops: 400, 403, 409. */
    private UpstreamUrl apiUrl(String text, StreamPath path) {
        UpstreamUrl url;
        try {
            url = UpstreamUrl.parse(text);
        } catch (IllegalArgumentException e) {
            throw new RelayRefusedException(400, "bad URL: " + e.getMessage());
        }
        String loop = loops.loopReason(url, path);
        if (loop != null) {
            throw new RelayRefusedException(409, loop);
        }
        if (config.allowHosts().stream().noneMatch(p -> p.matches(url))) {
            throw new RelayRefusedException(403, "host " + url.host() + ":" + url.port()
                    + " is not in [relay] allow_hosts" + (config.allowHosts().isEmpty() ? " (empty: none allowed)"
                    : " " + config.allowHosts()));
        }
        return url;
    }

    private static String printable(String s) {
        String cut = s == null ? "null" : s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
