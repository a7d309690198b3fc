package io.ringcast.ingest.cluster;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.auth.PlayTokens;
import io.ringcast.broadcast.stream.OnDemandSource;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ingest.ClusterPullMark;
import io.ringcast.ingest.relay.Backoff;
import io.ringcast.ingest.relay.RelayManager;
import io.ringcast.ingest.relay.UpstreamResolver;
import io.ringcast.ingest.upstream.UpstreamUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The cluster's on-demand source: a stream nobody publishes here that the {@link StreamDirectory} names another live
 * node for is pulled from that node (over HTTP-FLV or RTMP, {@code [cluster] pull_over}) by a relay of origin
 * {@link StreamDirectory#RELAY_ORIGIN}. The relay asks the directory again before every attempt, so when the origin
 * dies and the encoder republishes on another origin, the pull finds it there; while the directory names no live
 * holder (or the holder fails) it asks again every {@link #RETRY_MAX_MS} ms at most, until the stream's
 * OnDemandPublishTimeout closes it. Requests it sends carry {@link ClusterPullMark}, and it never names this node.
 * With signed play URLs on ({@link PlayTokens}, the same {@code [auth] play_secret} on every node), each attempt's
 * URL is signed afresh, valid {@link #SIGNED_PULL_LIFETIME_S} s: the holder checks it like any viewer's.
 *
 * <p>Threads: {@link #supplies} on viewers' threads (a directory lookup bounded by {@code redis_timeout_ms}),
 * {@link #start} on the first viewer's thread, lookups of running pulls on the relay pool. Thread-safe.
 */
public final class ClusterPulls implements OnDemandSource {
    /** The first wait after a failed attempt; the waits grow to {@link #RETRY_MAX_MS}. */
    static final long RETRY_MIN_MS = 100;
    /** The longest wait between attempts: viewers are back within this of the stream appearing on a live node. */
    static final long RETRY_MAX_MS = 500;
    /** How long a pull's signed URL is valid: it is checked once, when the attempt connects. */
    static final long SIGNED_PULL_LIFETIME_S = 60;
    static final String PULL_OVER_HTTP_FLV = "http-flv";
    static final String PULL_OVER_RTMP = "rtmp";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterPulls.class);

    private final StreamDirectory directory;
    private final Engine engine;
    private final boolean overRtmp;
    private final Backoff backoff;
    private final AtomicBoolean loggedNoRelays = new AtomicBoolean();

    /**
     * @param directory the stream directory (asked on every lookup; this node is its {@link StreamDirectory#self})
     * @param config    {@code [cluster]}: {@code pull_over} picks the protocol
     * @param engine    where the relay manager is found, once the relay plugin started
     * @throws IllegalArgumentException when {@code pull_over} is neither "http-flv" nor "rtmp"
     */
    public ClusterPulls(StreamDirectory directory, ClusterConfig config, Engine engine) {
        this.overRtmp = switch (config.pullOver()) {
            case PULL_OVER_HTTP_FLV -> false;
            case PULL_OVER_RTMP -> true;
            default -> throw new IllegalArgumentException("[cluster] pull_over must be \"" + PULL_OVER_HTTP_FLV
                    + "\" or \"" + PULL_OVER_RTMP + "\", not \"" + config.pullOver() + "\"");
        };
        this.directory = directory;
        this.engine = engine;
        this.backoff = new Backoff(RETRY_MIN_MS, RETRY_MAX_MS, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * Whether another live node holds {@code path} (and relays run here). A path a {@code [[pull]]} rule supplies is
     * left to that rule, without a lookup: the configured source comes first, also while the directory is down.
     *
     * @throws DirectoryUnavailableException when the directory cannot be asked: the viewer is refused with 503
     */
    @Override
    public boolean supplies(StreamPath path) {
        RelayManager relays = relays();
        if (relays == null || relays.config().onDemandRuleFor(path) != null) {
            return false;
        }
        Optional<NodeInfo> holder = directory.holderOf(path);
        return holder.isPresent() && !isSelf(holder.get());
    }

    /** Starts the pull of {@code stream} from whichever node the directory names at each attempt. */
    @Override
    public void start(Stream stream) {
        RelayManager relays = relays();
        if (relays == null) {
            stream.close(stream.path() + " could not be pulled: relays are off ([relay] enable = false)");
            return;
        }
        relays.pullOnDemand(stream, StreamDirectory.RELAY_ORIGIN, resolverFor(stream.path()), backoff);
    }

    /** What the pull of {@code path} asks before every attempt: the holder's URL, marked as this node's pull. */
    UpstreamResolver resolverFor(StreamPath path) {
        return new HolderLookup(path);
    }

    /** The relay manager, or null (logged once) while relays are off: then nothing is pulled from other nodes. */
    private RelayManager relays() {
        RelayManager relays = engine.service(RelayManager.class);
        if (relays == null && loggedNoRelays.compareAndSet(false, true)) {
            LOG.warn("cluster: relays are off ([relay] enable = false), so streams held by other nodes are not "
                    + "pulled here");
        }
        return relays;
    }

    private boolean isSelf(NodeInfo node) {
        NodeInfo self = directory.self();
        return node.id().equals(self.id()) || node.httpUrl().equals(self.httpUrl());
    }

    /** The upstream of one pull: the node holding its path now, asked at every attempt. */
    private final class HolderLookup implements UpstreamResolver {
        private final StreamPath path;

        HolderLookup(StreamPath path) {
            this.path = path;
        }

        @Override
        public List<UpstreamUrl> upstreamsNow() {
            Optional<NodeInfo> holder = directory.holderOf(path);
            if (holder.isEmpty() || isSelf(holder.get())) {
                return List.of();
            }
            NodeInfo node = holder.get();
            String url = ClusterPullMark.mark(overRtmp ? node.rtmpUrlOf(path) : node.httpFlvUrlOf(path),
                    directory.self().id());
            PlayTokens tokens = engine.service(PlayTokens.class);
            if (tokens != null) {
                long expires = engine.wallClock().millis() / 1_000 + SIGNED_PULL_LIFETIME_S;
                url += "&" + tokens.signedQuery(path, expires);
            }
            return List.of(UpstreamUrl.parse(url));
        }

        @Override
        public String toString() {
            return "the directory's holder of " + path;
        }
    }

    @Override
    public String toString() {
        return "cluster pulls (over " + (overRtmp ? PULL_OVER_RTMP : PULL_OVER_HTTP_FLV) + ")";
    }
}
