package io.ringcast.ingest.cluster;

import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.time.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The stream directory in Redis ({@link StreamDirectory}; layout in README "Cluster"): this node's heartbeat, the
 * claims of the streams published here, and lookups.
 *
 * <p>Threads: the cluster thread ({@code ringcast-cluster}, started by {@link #start}) runs {@link #doWork}: the
 * heartbeat every third of {@code node_ttl_ms}, the refresh of this node's entries every third of
 * {@code entry_ttl_ms}, releases, and while Redis is down a PING probe, all timed on the engine's clock. Claims run
 * on the publishers' threads ({@link #claim}), lookups on viewers' and request threads; every call is bounded by
 * {@code redis_timeout_ms}, and while Redis is known to be down lookups fail at once. Claims, refreshes and
 * releases of entries are serialised on one lock, so a release never deletes an entry a new publish just claimed.
 */
public final class RedisStreamDirectory implements StreamDirectory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamDirectory.class);
    /**
     * Takes the entry when it is absent, ours, or held by a node whose heartbeat expired; refreshes its expiry.
     * KEYS[1] stream key; ARGV node id, entry expiry ms, node key prefix. Returns {holder after, holder before or ""}.
     */
    static final String CLAIM_SCRIPT = """
            local holder = redis.call('GET', KEYS[1])
            if holder and holder ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. holder) == 1 then
              return {holder, holder}
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return {ARGV[1], holder or ''}
            """;
    /** Deletes the entry if it is still ours. KEYS[1] stream key; ARGV[1] node id. Returns 1 when deleted. */
    static final String RELEASE_SCRIPT = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;
    /** KEYS[1] node key; ARGV id, role, http, rtmp, heartbeat epoch ms, expiry ms. */
    static final String HEARTBEAT_SCRIPT = """
            redis.call('HSET', KEYS[1], 'id', ARGV[1], 'role', ARGV[2], 'http', ARGV[3], 'rtmp', ARGV[4],
                       'heartbeat', ARGV[5])
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
            return 1
            """;
    private static final int SCAN_COUNT = 200;
    private static final long MIN_TICK_MS = 5;
    private static final long CLOSE_TIMEOUT_MS = 2_000;

    private final ClusterConfig config;
    private final UnifiedJedis redis;
    private final NanoClock clock;
    private final Clock wallClock;
    private final String password;
    private final DirectoryConnection connection;
    private final LocalPublishes publishes = new LocalPublishes();
    /** Entries to delete once Redis answers (released while it was down, or whose delete failed). */
    private final Set<StreamPath> releasesOwed = ConcurrentHashMap.newKeySet();
    private final Object claimLock = new Object();
    private final long heartbeatPeriodNs;
    private final long refreshPeriodNs;
    private final long probePeriodNs;
    private final String streamKeyPrefix;
    private final String nodeKeyPrefix;
    private volatile long lastHeartbeatEpochMs;
    /** The RTMP listener's bound port, for an {@code advertise_rtmp} derived from {@code [rtmp] port = 0}. */
    private volatile java.util.function.IntSupplier boundRtmpPort = () -> 0;
    private volatile ScheduledExecutorService thread;
    /** The cluster thread's periodic pass, cancelled at close. */
    private volatile java.util.concurrent.ScheduledFuture<?> ticks;
    /** Cluster thread only. */
    private long lastHeartbeatNs;
    private long lastRefreshNs;
    private long lastProbeNs;
    private boolean everBeat;

    /**
     * @param redis     the cluster's client (its calls time out after {@code redis_timeout_ms})
     * @param clock     the engine's clock: when heartbeats, refreshes and probes are due
     * @param wallClock the engine's wall clock: the heartbeat's time, the status's times
     */
    public RedisStreamDirectory(ClusterConfig config, UnifiedJedis redis, NanoClock clock, Clock wallClock) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("no [cluster] directory configured");
        }
        this.config = config;
        this.redis = redis;
        this.clock = clock;
        this.wallClock = wallClock;
        this.password = RedisClients.password(config.directory());
        this.connection = new DirectoryConnection(RedisClients.shown(config.directory()), wallClock);
        this.heartbeatPeriodNs = TimeUnit.MILLISECONDS.toNanos(config.nodeTtlMs()) / 3;
        this.refreshPeriodNs = TimeUnit.MILLISECONDS.toNanos(config.entryTtlMs()) / 3;
        this.probePeriodNs = heartbeatPeriodNs;
        this.streamKeyPrefix = config.keyPrefix() + "stream:";
        this.nodeKeyPrefix = config.keyPrefix() + "node:";
    }

    public ClusterConfig config() {
        return config;
    }

    /** The key of {@code path}'s entry. */
    public String streamKey(StreamPath path) {
        return streamKeyPrefix + path;
    }

    /** The key of a node's heartbeat hash. */
    public String nodeKey(String nodeId) {
        return nodeKeyPrefix + nodeId;
    }

    /**
     * Where to read the RTMP listener's bound port (0 while it is not listening): an advertised RTMP URL ending in
     * port 0 (derived from {@code [rtmp] port = 0}) then shows the real one from the next heartbeat on.
     */
    void resolveRtmpPortWith(java.util.function.IntSupplier port) {
        this.boundRtmpPort = port;
    }

    private String advertisedRtmp() {
        String url = config.advertiseRtmp();
        if (url.endsWith(":0")) {
            int port = boundRtmpPort.getAsInt();
            if (port > 0) {
                return url.substring(0, url.length() - 1) + port;
            }
        }
        return url;
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Connects (PING and the first heartbeat, on the caller's thread, bounded by the timeout; a failure leaves the
     * directory down and the cluster thread probing) and starts the cluster thread.
     */
    public void start() {
        tryRecover();
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ringcast-cluster");
            t.setDaemon(true);
            return t;
        });
        long tickMs = Math.max(MIN_TICK_MS, Math.min(config.nodeTtlMs(), config.entryTtlMs()) / 6);
        ticks = executor.scheduleWithFixedDelay(this::doWorkLogged, tickMs, tickMs, TimeUnit.MILLISECONDS);
        thread = executor;
    }

    /**
     * Stops the cluster thread, then deletes this node's entries and heartbeat (a graceful shutdown: other nodes
     * may take its streams at once). Does not close the Redis client (its owner does).
     */
    @Override
    public void close() {
        ScheduledExecutorService executor = thread;
        thread = null;
        if (executor != null) {
            ticks.cancel(false);
            executor.shutdownNow();
            try {
                executor.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!connection.isUp()) {
            LOG.info("stream directory down at shutdown: this node's entries expire by themselves");
            return;
        }
        try {
            synchronized (claimLock) {
                List<StreamPath> mine = publishes.paths();
                mine.addAll(releasesOwed);
                for (StreamPath path : mine) {
                    redis.eval(RELEASE_SCRIPT, List.of(streamKey(path)), List.of(config.nodeId()));
                }
                redis.del(nodeKey(config.nodeId()));
                LOG.info("stream directory: node {} and its {} entries removed", config.nodeId(), mine.size());
            }
        } catch (JedisException e) {
            LOG.warn("stream directory: could not remove node {} at shutdown ({}); its entries expire by themselves",
                    config.nodeId(), reason(e));
        }
    }

    // ------------------------------------------------------------------ cluster thread

    /**
     * One pass of the cluster thread at the engine's clock's now: while down, a probe when due; while up, the
     * heartbeat and the refresh when due, and owed releases. Tests call it with a manual clock.
     */
    public void doWork() {
        long now = clock.nanoTime();
        if (!connection.isUp()) {
            if (now - lastProbeNs >= probePeriodNs) {
                lastProbeNs = now;
                tryRecover();
            }
            return;
        }
        try {
            if (!everBeat || now - lastHeartbeatNs >= heartbeatPeriodNs) {
                heartbeat(now);
            }
            if (now - lastRefreshNs >= refreshPeriodNs) {
                lastRefreshNs = now;
                claimAll();
            }
            payReleases();
        } catch (JedisException e) {
            markDown(e);
            lastProbeNs = now;
        }
    }

    private void doWorkLogged() {
        try {
            doWork();
        } catch (RuntimeException e) {
            LOG.error("stream directory: cluster thread pass failed", e);
        }
    }

    /** PING, heartbeat, up, then claim what was published meanwhile and delete what was released. */
    private void tryRecover() {
        long now = clock.nanoTime();
        try {
            redis.ping();
            heartbeat(now);
            connection.markUp();
            lastRefreshNs = now;
            int pending = publishes.pending();
            claimAll();
            payReleases();
            if (pending > 0) {
                LOG.info("stream directory: {} stream(s) published while it was down registered; conflicts: {}",
                        pending, publishes.conflicts());
            }
        } catch (JedisException e) {
            markDown(e);
        }
    }

    private void heartbeat(long nowNs) {
        long epochMs = wallClock.millis();
        redis.eval(HEARTBEAT_SCRIPT, List.of(nodeKey(config.nodeId())), List.of(config.nodeId(),
                roleName(config.role()), config.advertiseHttp(), advertisedRtmp(), Long.toString(epochMs),
                Long.toString(config.nodeTtlMs())));
        lastHeartbeatEpochMs = epochMs;
        lastHeartbeatNs = nowNs;
        everBeat = true;
    }

    /** Claims (refreshes) every stream published here; one that another live node took is a conflict. */
    private void claimAll() {
        for (StreamPath path : publishes.paths()) {
            synchronized (claimLock) {
                if (publishes.isHeld(path)) {
                    recordClaim(path, runClaim(path));
                }
            }
        }
    }

    /** Deletes the entries released here, unless published here again meanwhile. */
    private void payReleases() {
        for (StreamPath path : List.copyOf(releasesOwed)) {
            synchronized (claimLock) {
                if (!publishes.isHeld(path)) {
                    redis.eval(RELEASE_SCRIPT, List.of(streamKey(path)), List.of(config.nodeId()));
                }
                releasesOwed.remove(path);
            }
        }
    }

    // ------------------------------------------------------------------ publish claims

    /**
     * Claims {@code path} for a publish starting here, on the publisher's thread (a Redis call bounded by the
     * timeout): the entry is taken when absent, ours, or held by a dead node. While Redis is down (or the call
     * fails) the publish is accepted and its claim left pending. Each claim that returns empty must be followed by
     * one {@link #release}.
     *
     * @return the live node that holds the stream (the publish must be refused), or empty when admitted
     */
    public Optional<String> claim(StreamPath path) {
        synchronized (claimLock) {
            if (!connection.isUp()) {
                publishes.admitted(path, false);
                connection.noteUnclaimedPublish(path);
                return Optional.empty();
            }
            String[] result;
            try {
                result = runClaim(path);
            } catch (JedisException e) {
                markDown(e);
                publishes.admitted(path, false);
                connection.noteUnclaimedPublish(path);
                return Optional.empty();
            }
            if (!result[0].equals(config.nodeId())) {
                return Optional.of(result[0]);
            }
            publishes.admitted(path, true);
            return Optional.empty();
        }
    }

    /**
     * An admitted publish of {@code path} is over; when it was the last here, its entry is deleted on the cluster
     * thread (at once; later if Redis is down). Any thread; does not block.
     */
    public void release(StreamPath path) {
        if (!publishes.released(path)) {
            return;
        }
        releasesOwed.add(path);
        ScheduledExecutorService executor = thread;
        if (executor != null) {
            try {
                executor.execute(this::payReleasesLogged);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // Shutting down: close() deletes what is owed.
            }
        }
    }

    private void payReleasesLogged() {
        if (!connection.isUp()) {
            return;
        }
        try {
            payReleases();
        } catch (JedisException e) {
            markDown(e);
        }
    }

    private String[] runClaim(StreamPath path) {
        Object reply = redis.eval(CLAIM_SCRIPT, List.of(streamKey(path)),
                List.of(config.nodeId(), Long.toString(config.entryTtlMs()), nodeKeyPrefix));
        List<?> items = (List<?>) reply;
        String holder = text(items.get(0));
        String before = text(items.get(1));
        if (holder.equals(config.nodeId()) && !before.isEmpty() && !before.equals(config.nodeId())) {
            LOG.warn("stream directory: {} taken over from node {}, whose heartbeat expired", path, before);
        }
        return new String[]{holder, before};
    }

    private void recordClaim(StreamPath path, String[] result) {
        String conflict = publishes.claimResult(path, result[0], config.nodeId());
        if (conflict != null) {
            LOG.warn("stream directory: {} is published here but the directory names live node {}, which took it "
                    + "while Redis was unreachable from here; this node keeps serving it", path, conflict);
        }
    }

    // ------------------------------------------------------------------ lookups

    @Override
    public NodeInfo self() {
        return new NodeInfo(config.nodeId(), config.role(), config.advertiseHttp(), advertisedRtmp(),
                lastHeartbeatEpochMs);
    }

    @Override
    public Optional<NodeInfo> holderOf(StreamPath path) {
        requireUp();
        try {
            String nodeId = redis.get(streamKey(path));
            if (nodeId == null) {
                return Optional.empty();
            }
            return nodeInfo(redis.hgetAll(nodeKey(nodeId)));
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    @Override
    public List<NodeInfo> nodes() {
        requireUp();
        try {
            List<NodeInfo> nodes = new ArrayList<>();
            for (String key : scan(nodeKeyPrefix)) {
                nodeInfo(redis.hgetAll(key)).ifPresent(nodes::add);
            }
            nodes.sort(java.util.Comparator.comparing(NodeInfo::id));
            return nodes;
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    @Override
    public Map<StreamPath, String> streams() {
        requireUp();
        try {
            List<String> keys = scan(streamKeyPrefix);
            keys.sort(null);
            Map<StreamPath, String> streams = new LinkedHashMap<>();
            if (keys.isEmpty()) {
                return streams;
            }
            List<String> holders = redis.mget(keys.toArray(String[]::new));
            for (int i = 0; i < keys.size(); i++) {
                String holder = holders.get(i);
                if (holder == null) {
                    continue; // expired between SCAN and MGET
                }
                try {
                    streams.put(StreamPath.parse(keys.get(i).substring(streamKeyPrefix.length())), holder);
                } catch (IllegalArgumentException e) {
                    LOG.debug("stream directory: key {} names no stream path", keys.get(i));
                }
            }
            return streams;
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    @Override
    public DirectoryStatus status() {
        return connection.snapshot(publishes.pending());
    }

    @Override
    public Map<StreamPath, String> conflicts() {
        return publishes.conflicts();
    }

    private List<String> scan(String prefix) {
        ScanParams params = new ScanParams().match(globEscape(prefix) + "*").count(SCAN_COUNT);
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, params);
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        return keys;
    }

    private void requireUp() {
        if (!connection.isUp()) {
            throw new DirectoryUnavailableException("the stream directory is unavailable: "
                    + connection.lastError());
        }
    }

    private DirectoryUnavailableException unavailable(JedisException e) {
        markDown(e);
        return new DirectoryUnavailableException("the stream directory is unavailable: " + reason(e));
    }

    private void markDown(JedisException e) {
        connection.markDown(reason(e));
    }

    /** The failure in words, without the password (Redis error texts do not echo it, but make sure). */
    private String reason(JedisException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message = message + ": " + cause.getMessage();
        }
        return password.isEmpty() ? message : message.replace(password, "***");
    }

    private static Optional<NodeInfo> nodeInfo(Map<String, String> hash) {
        String id = hash.get("id");
        if (id == null) {
            return Optional.empty(); // expired meanwhile
        }
        ClusterRole role;
        try {
            role = ClusterRole.valueOf(hash.getOrDefault("role", "").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        long heartbeat;
        try {
            heartbeat = Long.parseLong(hash.getOrDefault("heartbeat", "0"));
        } catch (NumberFormatException e) {
            heartbeat = 0;
        }
        return Optional.of(new NodeInfo(id, role, hash.getOrDefault("http", ""), hash.getOrDefault("rtmp", ""),
                heartbeat));
    }

    static String roleName(ClusterRole role) {
        return role.name().toLowerCase(Locale.ROOT);
    }

    private static String text(Object reply) {
        if (reply instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return reply == null ? "" : reply.toString();
    }

    private static String globEscape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
