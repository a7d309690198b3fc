package io.ringcast.broadcast.stream;

import io.ringcast.broadcast.DirectMemoryBudget;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.RingMemoryPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * All live streams by path. Thread-safe; lookups are lock-free, creation and removal are per-key atomic.
 *
 * <p>Admission: a new stream takes one of {@link #maxStreams()} slots and reserves its rings' worst case (every
 * enabled track's payload ring) from the {@link DirectMemoryBudget}; both come back when it closes. The stream
 * limit in force is the configured {@code max_streams} lowered to what the budget holds, so a flood of publishers
 * is refused at it, with that reason, before direct memory runs out.
 *
 * <p>On demand: a viewer of any protocol asks {@link #findOrDemand}; a path nobody publishes that a registered
 * {@link OnDemandSource} supplies gets a new stream (auto-close, OnDemandPublishTimeout) which that source is asked
 * to deliver, exactly once however many viewers ask at the same moment.
 */
public final class StreamRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(StreamRegistry.class);
    /** How long a caller that found a just-created stream waits for its creator's listeners (see announce). */
    private static final long ANNOUNCE_WAIT_MS = 2_000;

    private final ConcurrentMap<StreamPath, Stream> streams = new ConcurrentHashMap<>();
    private final EngineConfig engine;
    private final RingConfig rings;
    private final NanoClock clock;
    private final java.util.List<StreamListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.List<OnDemandSource> sources = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile PublishGate gate = PublishGate.OPEN;

    private final LimitsConfig limits;
    private final AtomicLong publishersRefused = new AtomicLong();
    private final AtomicLong publishersRefusedDirectMemory = new AtomicLong();
    private final AtomicLong viewersRefused = new AtomicLong();
    private final AtomicLong closedForNoMedia = new AtomicLong();
    private final DirectMemoryBudget budget;
    /** The rings' memory, recycled from closed streams to new ones (within the budget). */
    private final RingMemoryPool ringMemory;
    /** Direct memory one stream may allocate: the payload rings of its enabled tracks. */
    private final long streamRingBytes;
    private final int maxStreams;
    private final String maxStreamsReason;
    private final AtomicInteger streamSlots = new AtomicInteger();
    private final long noMediaTimeoutNs;
    private volatile BackupConfig backupConfig = BackupConfig.DEFAULTS;

    public StreamRegistry(EngineConfig engine, RingConfig rings, NanoClock clock) {
        this(engine, rings, LimitsConfig.DEFAULTS, clock);
    }

    public StreamRegistry(EngineConfig engine, RingConfig rings, LimitsConfig limits, NanoClock clock) {
        this(engine, rings, limits, DirectMemoryBudget.of(limits.directMemoryBudgetBytes()), clock);
    }

    public StreamRegistry(EngineConfig engine, RingConfig rings, LimitsConfig limits, DirectMemoryBudget budget,
                          NanoClock clock) {
        this(engine, rings, limits, budget, new RingMemoryPool(), clock);
    }

    /** @param ringMemory where the streams' rings get their payload memory (tests inject a failing allocator) */
    public StreamRegistry(EngineConfig engine, RingConfig rings, LimitsConfig limits, DirectMemoryBudget budget,
                          RingMemoryPool ringMemory, NanoClock clock) {
        this.ringMemory = ringMemory;
        this.engine = engine;
        this.rings = rings;
        this.limits = limits;
        this.clock = clock;
        this.budget = budget;
        this.noMediaTimeoutNs = TimeUnit.MILLISECONDS.toNanos(limits.noMediaTimeoutMs());
        this.streamRingBytes = (engine.enableVideo() ? (long) rings.videoPayloadBytes() : 0)
                + (engine.enableAudio() ? (long) rings.audioPayloadBytes() : 0);
        long fitting = streamRingBytes == 0 ? Long.MAX_VALUE : budget.capacityBytes() / streamRingBytes;
        if (fitting < limits.maxStreams()) {
            this.maxStreams = (int) fitting;
            this.maxStreamsReason = " (the direct memory budget of "
                    + DirectMemoryBudget.describe(budget.capacityBytes()) + " holds the rings of " + fitting
                    + " streams of " + DirectMemoryBudget.describe(streamRingBytes) + ")";
            LOG.warn("max_streams {} lowered to {}: the direct memory budget of {} holds {} streams of {} of track "
                            + "rings; raise -XX:MaxDirectMemorySize or [limits] direct_memory_budget_bytes, or lower "
                            + "[ring] video_payload_bytes", limits.maxStreams(), fitting,
                    DirectMemoryBudget.describe(budget.capacityBytes()), fitting,
                    DirectMemoryBudget.describe(streamRingBytes));
        } else {
            this.maxStreams = limits.maxStreams();
            this.maxStreamsReason = "";
        }
    }

    /** The stream limit in force: {@code max_streams}, lowered to what the direct memory budget holds. */
    public int maxStreams() {
        return maxStreams;
    }

    public DirectMemoryBudget directMemoryBudget() {
        return budget;
    }

    /**
     * Publishers refused because the direct memory budget had no room for a new stream's rings, or ended because the
     * JVM could not allocate them at their first frame (its direct memory used by something else).
     */
    public long publishersRefusedDirectMemory() {
        return publishersRefusedDirectMemory.get() + ringMemory.allocationFailures();
    }

    /** Where the streams' rings get their direct memory; for stats. */
    public RingMemoryPool ringMemory() {
        return ringMemory;
    }

    /** Streams closed because no audio or video arrived within {@link LimitsConfig#noMediaTimeoutMs()}. */
    public long closedForNoMedia() {
        return closedForNoMedia.get();
    }

    public LimitsConfig limits() {
        return limits;
    }

    /** Publishers refused because {@link #maxStreams()} was reached. */
    public long publishersRefused() {
        return publishersRefused.get();
    }

    /**
     * The up-front check a protocol makes before it answers a viewer at all: refuses (and counts) a viewer of a
     * stream that already has {@link LimitsConfig#maxViewersPerStream()}. A race past it is still caught when the
     * subscription is added.
     *
     * @throws LimitExceededException naming the stream and its limit
     */
    public void requireViewerRoom(Stream stream) {
        int maxViewers = limits.maxViewersPerStream();
        if (stream.subscriberCount() >= maxViewers) {
            viewersRefused.incrementAndGet();
            throw new LimitExceededException(stream.path() + " has its maximum of " + maxViewers + " viewers");
        }
    }

    /** Viewers refused because a stream had {@link LimitsConfig#maxViewersPerStream()}. */
    public long viewersRefused() {
        return viewersRefused.get();
    }

    /**
     * Starts publishing {@code path}, creating the stream if needed. Returns null when another publisher holds it.
     * The {@link PublishGate} admits the publisher first (on the caller's thread, possibly a bounded blocking call)
     * and hears when the session ends.
     *
     * @param autoClose close the stream when its last subscriber leaves (pulled/relayed streams)
     * @throws LimitExceededException when the stream is new and {@link #maxStreams()} exist, or the direct memory
     *                                budget has no room for its rings; the message says which
     * @throws PublishDeniedException when the gate refuses the publisher (the name is live on another node)
     */
    public StreamPublisher publish(StreamPath path, PublisherInfo info, boolean autoClose) {
        return publishThroughGate(path, info, autoClose, SourceRole.PRIMARY);
    }

    /**
     * Starts a backup publisher of {@code path} ({@link Stream#publishBackup}), creating the stream if needed (the
     * backup alone then feeds it). Returns null when the stream already has a backup. The gate admits it like a
     * primary: a backup must publish on the node that holds the stream.
     *
     * @throws LimitExceededException as {@link #publish}
     * @throws PublishDeniedException as {@link #publish}
     */
    public StreamPublisher publishBackup(StreamPath path, PublisherInfo info, boolean autoClose) {
        return publishThroughGate(path, info, autoClose, SourceRole.BACKUP);
    }

    private StreamPublisher publishThroughGate(StreamPath path, PublisherInfo info, boolean autoClose,
                                               SourceRole role) {
        PublishGate admitted = gate;
        admitted.admit(path);
        StreamPublisher session = null;
        try {
            session = publishAdmitted(path, info, autoClose, role);
            if (session != null) {
                session.afterClose(() -> admitted.release(path));
            }
            return session;
        } finally {
            if (session == null) {
                admitted.release(path);
            }
        }
    }

    private StreamPublisher publishAdmitted(StreamPath path, PublisherInfo info, boolean autoClose, SourceRole role) {
        while (true) {
            boolean[] created = {false};
            Stream stream = streams.computeIfAbsent(path, p -> {
                created[0] = true;
                return newStream(p, autoClose, false);
            });
            if (created[0]) {
                announce(stream);
            }
            StreamPublisher session = role == SourceRole.BACKUP ? stream.publishBackup(info) : stream.publish(info);
            if (session != null || !stream.isClosed()) {
                return session;
            }
            streams.remove(path, stream);
        }
    }

    /**
     * Sets who admits publishers from now on (the cluster's directory claim); {@link PublishGate#OPEN} by default.
     * Sessions admitted by an earlier gate are still released to it.
     */
    public void setPublishGate(PublishGate publishGate) {
        this.gate = java.util.Objects.requireNonNull(publishGate, "publishGate");
    }

    /** Goes back to {@link PublishGate#OPEN} if {@code publishGate} is the gate in force. */
    public void clearPublishGate(PublishGate publishGate) {
        if (gate == publishGate) {
            gate = PublishGate.OPEN;
        }
    }

    /** Sets the {@code [backup]} section for streams created from now on. */
    public void configureBackup(BackupConfig config) {
        this.backupConfig = config;
    }

    public BackupConfig backupConfig() {
        return backupConfig;
    }

    /**
     * Registers a source of on-demand streams; {@link #findOrDemand} asks the sources in the order they were added.
     */
    public void addOnDemandSource(OnDemandSource source) {
        sources.add(source);
    }

    /** Undoes {@link #addOnDemandSource}; streams it already delivers carry on until they close. */
    public void removeOnDemandSource(OnDemandSource source) {
        sources.remove(source);
    }

    /** Whether a registered source would deliver {@code path} on demand (without demanding it). */
    public boolean suppliesOnDemand(StreamPath path) {
        for (OnDemandSource source : sources) {
            if (source.supplies(path)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The stream a viewer asks for: the live one at {@code path}; else a new on-demand stream from the first source
     * that {@link OnDemandSource#supplies supplies} the path (see {@link #demand}); null when none does. Any
     * viewer's thread.
     *
     * @throws LimitExceededException as {@link #publish} when the stream would be new and no room is left
     */
    public Stream findOrDemand(StreamPath path) {
        Stream live = find(path);
        if (live != null) {
            return announcedOrLate(live);
        }
        for (OnDemandSource source : sources) {
            if (source.supplies(path)) {
                return demand(path, source);
            }
        }
        return null;
    }

    /**
     * The stream at {@code path}, created on demand and delivered by {@code source} if there is none (the proxy
     * form names its source explicitly). A new stream is created in WAITING_PUBLISHER with OnDemandPublishTimeout
     * and auto-close on, the {@link #addListener listeners} hear of it (HLS attaches its segmenter), and then,
     * outside the registry's locks, {@code source.start(stream)} is called, once per stream: concurrent callers for
     * the same path all get the one stream. A source that fails to start closes the stream with its reason.
     *
     * @throws LimitExceededException as {@link #publish} when the stream is new and no room is left
     */
    public Stream demand(StreamPath path, OnDemandSource source) {
        while (true) {
            boolean[] created = {false};
            Stream stream = streams.computeIfAbsent(path, p -> {
                created[0] = true;
                return newStream(p, true, true);
            });
            if (!created[0]) {
                if (!stream.isClosed()) {
                    return announcedOrLate(stream);
                }
                streams.remove(path, stream);
                continue;
            }
            LOG.info("stream {} demanded by a viewer; {} delivers it", path, source);
            announce(stream);
            try {
                source.start(stream);
            } catch (RuntimeException e) {
                stream.close(path + " could not be pulled: " + e.getMessage());
                throw e;
            }
            return stream;
        }
    }

    private void announce(Stream stream) {
        try {
            for (StreamListener listener : listeners) {
                listener.onStreamStarted(stream);
            }
        } finally {
            stream.announced();
        }
    }

    /**
     * A stream this caller found in the map rather than created: waits for its creator to finish announcing it, so
     * an HLS viewer arriving with the viewer whose demand created it finds its segmenter. Bounded: a listener that
     * hangs (or one that re-enters the registry for the same path) delays callers, never blocks them for good.
     */
    private static Stream announcedOrLate(Stream stream) {
        if (!stream.awaitAnnounced(ANNOUNCE_WAIT_MS)) {
            LOG.warn("stream {} is still being announced after {} ms; going on without waiting", stream.path(),
                    ANNOUNCE_WAIT_MS);
        }
        return stream;
    }

    /** Registers a listener for streams started from now on. */
    public void addListener(StreamListener listener) {
        listeners.add(listener);
    }

    public void removeListener(StreamListener listener) {
        listeners.remove(listener);
    }

    /** The stream at {@code path}, or null when there is none (or it just closed). */
    public Stream find(StreamPath path) {
        Stream stream = streams.get(path);
        return stream == null || stream.isClosed() ? null : stream;
    }

    /** A snapshot of the live streams. */
    public Collection<Stream> streams() {
        List<Stream> live = new ArrayList<>(streams.values());
        live.removeIf(Stream::isClosed);
        return live;
    }

    /** Runs the lifecycle timers of every stream; called periodically by the engine's housekeeping. */
    public void pollTimers() {
        long now = clock.nanoTime();
        for (Stream stream : streams.values()) {
            stream.pollTimer(now);
        }
    }

    /** Closes every stream. */
    public void closeAll() {
        for (Stream stream : streams.values()) {
            stream.close();
        }
    }

    public int size() {
        return streams.size();
    }

    /** Admits a new stream (a slot and its rings' reservation, or a refusal) and creates it; in computeIfAbsent. */
    private Stream newStream(StreamPath path, boolean autoClose, boolean onDemand) {
        if (streamSlots.incrementAndGet() > maxStreams) {
            streamSlots.decrementAndGet();
            publishersRefused.incrementAndGet();
            throw new LimitExceededException("the server has its maximum of " + maxStreams + " streams"
                    + maxStreamsReason);
        }
        if (!budget.tryReserve(streamRingBytes)) {
            streamSlots.decrementAndGet();
            publishersRefusedDirectMemory.incrementAndGet();
            throw new LimitExceededException("the server's direct memory budget ("
                    + DirectMemoryBudget.describe(budget.capacityBytes()) + ") has no room for another stream's rings");
        }
        Stream stream = new Stream(path, engine, rings, clock, autoClose, onDemand, closed -> {
            streams.remove(path, closed);
            budget.release(streamRingBytes);
            streamSlots.decrementAndGet();
        }, limits.maxViewersPerStream(), viewersRefused, noMediaTimeoutNs, closedForNoMedia, ringMemory);
        stream.backupConfig(backupConfig);
        return stream;
    }
}
