package io.ringcast.broadcast.stream;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.latency.LatencyStats;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.RingMemoryPool;
import io.ringcast.broadcast.track.TrackRing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A live stream: its video and audio tracks, metadata, lifecycle, subscribers and stats.
 *
 * <p>Threads: the frame path (publish, wake, subscriber reads) takes no lock. Lifecycle changes (publish,
 * publisher leaving, subscribers arriving and leaving, timeouts, close) are rare and serialised on this object's
 * monitor; they also hand the tracks' single-producer role from one publisher session to the next.
 *
 * <p>A stream that receives no audio or video frame within the no-media timeout of its creation is closed by the
 * lifecycle timer: its rings were never allocated, and a client that publishes and sends nothing must not hold a
 * stream (and its share of the direct memory budget) for PublishTimeout. An on-demand stream waits for its upstream
 * under OnDemandPublishTimeout instead; its no-media timeout runs from the first publish.
 *
 * <p>On demand: a stream created for a viewer ({@link StreamRegistry#findOrDemand}) has auto-close on and waits
 * OnDemandPublishTimeout for its publisher. Audiences that are not ring subscribers (HLS) keep it alive with a
 * {@link #renewLease lease} that each of their requests renews and the lifecycle timer expires.
 *
 * <p>Backup source: a second publisher in the {@link SourceRole#BACKUP} role ({@link #publishBackup}) gives the
 * stream a {@link SourceSwitch}; from then on its primary and backup sessions feed the rings through the switch (one
 * writer at a time), and the stream publishes while either of them does.
 */
public final class Stream {
    private static final Logger LOG = LoggerFactory.getLogger(Stream.class);
    private static final WakeTarget[] NO_TARGETS = new WakeTarget[0];
    private static final long NO_DEADLINE = Long.MAX_VALUE;
    private static final SubscriberStats[] NO_SUBSCRIBERS = new SubscriberStats[0];
    /**
     * Longest single wait in {@link #awaitPublisherGone}: the deadline is on the injected clock, so the waiter looks
     * at it again at least this often (a test that steps a manual clock past it sees the wait end).
     */
    private static final long AWAIT_SLICE_MS = 10;

    private final StreamPath path;
    private final NanoClock clock;
    private final TrackRing video;
    private final TrackRing audio;
    private final StreamStateMachine lifecycle;
    private final Consumer<Stream> onClosed;
    private final ConcurrentMap<String, LatencyStats> latency = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicInteger> subscribersByProtocol = new ConcurrentHashMap<>();
    private final AtomicLong framesSkipped = new AtomicLong();
    private final AtomicLong subscribersDisconnectedForLag = new AtomicLong();
    private final AtomicLong subscribersCutOverwrittenMidWrite = new AtomicLong();
    private final StreamActivity activity = new StreamActivity();
    private final Map<WakeTarget, Integer> wakeTargetRefs = new java.util.HashMap<>();
    /** A set (lambdas compare by identity) so a leaving viewer's action is removed cheaply; run in order added. */
    private final Set<Runnable> closeListeners = new LinkedHashSet<>();
    /** Request-driven audiences counted as one subscriber each while their lease runs, by protocol (monitor). */
    private final Map<String, AudienceLease> leases = new java.util.HashMap<>();
    private final boolean onDemand;
    /** Open once the registry's listeners heard of this stream (HLS attached its segmenter); see {@link #announced}. */
    private final CountDownLatch announced = new CountDownLatch(1);
    private final boolean autoClose;
    private final long publishTimeoutS;

    private volatile StreamState state;
    private volatile WakeTarget[] wakeTargets = NO_TARGETS;
    /** Replaced under the monitor when a listed subscriber arrives or leaves; read by stats without a lock. */
    private volatile SubscriberStats[] subscribers = NO_SUBSCRIBERS;
    private volatile byte[] metadata;
    private volatile StreamPublisher publisher;
    private volatile long lastIngestNanos;
    /** Why the stream closed, for the answers of viewers still waiting; null while open. */
    private volatile String closeReason;
    private int subscriberCount;
    /** The reason the next transition to CLOSED gives (monitor); see {@link #closeReason()}. */
    private String pendingCloseReason;
    /** Producer-owned, handed over between sessions under the monitor. */
    private long order;
    private long lastTimestampMs = -1;
    /** Ring sessions handed out: publisher sessions, and each switch between a primary and its backup. */
    private final AtomicInteger sessions = new AtomicInteger();
    /** The stream's primary and backup sources; null (today's single-publisher path) until a backup attaches. */
    private volatile SourceSwitch sources;
    private BackupConfig backupConfig = BackupConfig.DEFAULTS;

    private final int maxViewers;
    private final AtomicLong viewersRefused;
    /**
     * On the injected clock: when the stream closes unless a frame has arrived by then. An on-demand stream arms it
     * at its first publish (monitor).
     */
    private long noMediaDeadlineNs;
    private final long noMediaTimeoutNs;
    private final long noMediaTimeoutMs;
    private final AtomicLong closedForNoMedia;

    Stream(StreamPath path, EngineConfig engine, RingConfig rings, NanoClock clock, boolean autoClose,
           boolean onDemand, Consumer<Stream> onClosed, int maxViewers, AtomicLong viewersRefused,
           long noMediaTimeoutNs, AtomicLong closedForNoMedia, RingMemoryPool ringMemory) {
        this.maxViewers = maxViewers;
        this.viewersRefused = viewersRefused;
        this.noMediaTimeoutNs = noMediaTimeoutNs;
        this.noMediaDeadlineNs = onDemand ? NO_DEADLINE : clock.nanoTime() + noMediaTimeoutNs;
        this.onDemand = onDemand;
        this.autoClose = autoClose;
        this.noMediaTimeoutMs = TimeUnit.NANOSECONDS.toMillis(noMediaTimeoutNs);
        this.closedForNoMedia = closedForNoMedia;
        this.path = path;
        this.clock = clock;
        this.video = engine.enableVideo()
                ? new TrackRing(TrackKind.VIDEO, rings.videoSlots(), rings.videoPayloadBytes(), ringMemory) : null;
        this.audio = engine.enableAudio()
                ? new TrackRing(TrackKind.AUDIO, rings.audioSlots(), rings.audioPayloadBytes(), ringMemory) : null;
        java.time.Duration publishTimeout = onDemand ? engine.onDemandPublishTimeout() : engine.publishTimeout();
        long publishTimeoutNs = publishTimeout.toNanos();
        this.publishTimeoutS = publishTimeout.toSeconds();
        this.lifecycle = new StreamStateMachine(clock, publishTimeoutNs, engine.autoCloseDelay().toNanos(), autoClose);
        this.state = lifecycle.state();
        this.onClosed = onClosed;
    }

    public StreamPath path() {
        return path;
    }

    public StreamState state() {
        return state;
    }

    /**
     * The engine's monotonic clock: frames' ingest times, this stream's timers and its viewers' latency are all on
     * it, so a viewer measures latency on the clock its publisher stamped frames with.
     */
    public NanoClock clock() {
        return clock;
    }

    public boolean isClosed() {
        return state == StreamState.CLOSED;
    }

    /** Whether the stream was created for a viewer and is delivered by an {@link OnDemandSource} (a pull). */
    public boolean isOnDemand() {
        return onDemand;
    }

    /** The registry's listeners have all heard of this stream. */
    void announced() {
        announced.countDown();
    }

    /**
     * Waits (at most {@code timeoutMs}) until the registry's listeners heard of this stream: a second caller that
     * finds a stream another thread just created must not see it before its HLS segmenter exists. Returns false when
     * the wait timed out or was interrupted (the interrupt is kept).
     */
    boolean awaitAnnounced(long timeoutMs) {
        try {
            return announced.await(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the stream closes AutoCloseDelay after its last viewer left. */
    public boolean isAutoClose() {
        return autoClose;
    }

    /**
     * Why the stream closed, in words a viewer's answer can carry ("live/x was not delivered by its upstream within
     * 20 s"); null while it is open.
     */
    public String closeReason() {
        return closeReason;
    }

    /** A track's ring, or null when the engine drops that kind (EnableAudio/EnableVideo false). */
    public TrackRing track(TrackKind kind) {
        return kind == TrackKind.VIDEO ? video : audio;
    }

    /** Latest metadata as the publisher sent it (AMF0 onMetaData body for RTMP), or null. */
    public byte[] metadata() {
        return metadata;
    }

    /**
     * The current publisher session, or null while waiting for one. On a stream with a backup source: the primary
     * session (null while only the backup publishes); see {@link #sources()}.
     */
    public StreamPublisher publisher() {
        return publisher;
    }

    /** The primary and backup sources and which one is active; null while the stream never had a backup. */
    public SourceSwitch sources() {
        return sources;
    }

    /** Sets when a backup source this stream gets switches (registry, before the stream is announced). */
    void backupConfig(BackupConfig config) {
        this.backupConfig = config;
    }

    // ------------------------------------------------------------------ lifecycle (cold path, monitor)

    /**
     * Starts a publisher session, or returns null when the stream already has a publisher or is closed (the
     * caller refuses the publish, e.g. with NetStream.Publish.BadName).
     */
    public synchronized StreamPublisher publish(PublisherInfo info) {
        if (sources != null) {
            return attachSource(info, SourceRole.PRIMARY);
        }
        if (state != StreamState.WAITING_PUBLISHER) {
            return null;
        }
        StreamPublisher session = new StreamPublisher(this, info, lastTimestampMs, sessions.incrementAndGet());
        fire(StreamEvent.PUBLISH);
        publisher = session;
        activity.publishStarted(info.protocol());
        started();
        return session;
    }

    /**
     * Starts a backup publisher session: the source viewers are switched to while the primary delivers nothing
     * (see {@link SourceSwitch}); or returns null when the stream already has a backup or is closed. The first
     * backup of a stream turns its current primary, if any, into a switched source. A backup alone publishes the
     * stream as a primary would.
     */
    public synchronized StreamPublisher publishBackup(PublisherInfo info) {
        if (state == StreamState.CLOSED) {
            return null;
        }
        if (sources == null) {
            StreamPublisher legacy = publisher;
            SourceSwitch created = new SourceSwitch(backupConfig, legacy, legacy == null ? 0 : legacy.sessionId());
            if (legacy != null) {
                legacy.attachSwitch(created, clock.nanoTime());
            }
            sources = created;
            LOG.info("stream {} has a backup source now; it switches after {} ms without primary frames", path,
                    backupConfig.switchAfterMs());
        }
        return attachSource(info, SourceRole.BACKUP);
    }

    /** Attaches a switched source in {@code role}'s slot; under the monitor. */
    private StreamPublisher attachSource(PublisherInfo info, SourceRole role) {
        if (state == StreamState.CLOSED) {
            return null;
        }
        StreamPublisher session = new StreamPublisher(this, info, role, sources, clock.nanoTime());
        if (!sources.attach(session, role)) {
            session.releaseRings();
            return null;
        }
        activity.publishStarted(info.protocol());
        if (role == SourceRole.PRIMARY) {
            publisher = session;
        }
        if (state == StreamState.WAITING_PUBLISHER) {
            fire(StreamEvent.PUBLISH);
            started();
        }
        return session;
    }

    /** After a publish that made the stream PUBLISHING; under the monitor. */
    private void started() {
        if (noMediaDeadlineNs == NO_DEADLINE) {
            noMediaDeadlineNs = clock.nanoTime() + noMediaTimeoutNs;
        }
        if (onDemand && subscriberCount == 0) {
            // Its viewers left (or never subscribed) while it waited: without this it would publish to nobody forever.
            fire(StreamEvent.LAST_SUBSCRIBER_LEFT);
        }
    }

    synchronized void publisherLeft(StreamPublisher session) {
        SourceSwitch switched = sources;
        if (switched != null) {
            if (!switched.detach(session)) {
                return;
            }
            if (publisher == session) {
                publisher = null;
            }
            if (!switched.isEmpty()) {
                LOG.info("stream {}: its {} source left; the other one goes on", path, session.role().label());
                notifyAll();
                return;
            }
        } else if (publisher != session) {
            return;
        }
        publisher = null;
        closingBecause(path + "'s publisher left while nobody watched");
        fire(StreamEvent.PUBLISHER_LEFT);
        wakeSubscribers();
        notifyAll(); // a successor may wait in awaitPublisherGone
    }

    /**
     * Closes the connection of the current publisher when it has read nothing for {@code staleNanos} at
     * {@code nowNanos}: a connection that died without a close (a pulled cable, a Wi-Fi roam) that the server has
     * not noticed yet, while its encoder already reconnects. Its thread then ends the session as for any
     * disconnect, so the track rings keep their single writer. Returns the session being ended, or null when
     * there is none, it is alive, or it cannot be disconnected.
     */
    public synchronized StreamPublisher disconnectStalePublisher(long nowNanos, long staleNanos) {
        StreamPublisher current = publisher;
        Runnable disconnect = current == null ? null : current.disconnect();
        if (disconnect == null || nowNanos - current.lastReadNanos() < staleNanos) {
            return null;
        }
        disconnect.run();
        return current;
    }

    /**
     * Waits until {@code session} no longer publishes, at most {@code timeoutMs} on the engine's clock; true when it
     * is gone.
     */
    public synchronized boolean awaitPublisherGone(StreamPublisher session, long timeoutMs)
            throws InterruptedException {
        long deadlineNs = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (publisher == session) {
            long remainingNs = deadlineNs - clock.nanoTime();
            if (remainingNs <= 0) {
                return false;
            }
            wait(Math.max(1, Math.min(AWAIT_SLICE_MS, TimeUnit.NANOSECONDS.toMillis(remainingNs))));
        }
        return true;
    }

    /** Adds a thread to wake on new frames without counting it as a subscriber (taps: segmenters, recorders). */
    public synchronized void addWakeTarget(WakeTarget target) {
        wakeTargetRefs.merge(target, 1, Integer::sum);
        wakeTargets = wakeTargetRefs.keySet().toArray(NO_TARGETS);
    }

    /** Undoes {@link #addWakeTarget}. */
    public synchronized void removeWakeTarget(WakeTarget target) {
        if (wakeTargetRefs.merge(target, -1, Integer::sum) <= 0) {
            wakeTargetRefs.remove(target);
        }
        wakeTargets = wakeTargetRefs.keySet().toArray(NO_TARGETS);
    }

    /**
     * Counts a subscriber in; false when the stream is closed (answer as if it did not exist).
     *
     * @throws LimitExceededException when the stream already has its maximum of viewers
     */
    public synchronized boolean addSubscriber(String protocol, WakeTarget target) {
        return addSubscriber(protocol, target, null);
    }

    /**
     * As {@link #addSubscriber(String, WakeTarget)}, listing {@code stats} in {@link #subscribers()} until
     * {@link #removeSubscriber(String, WakeTarget, SubscriberStats)} (null: counted, not listed).
     */
    public synchronized boolean addSubscriber(String protocol, WakeTarget target, SubscriberStats stats) {
        if (state == StreamState.CLOSED) {
            return false;
        }
        if (subscriberCount >= maxViewers) {
            viewersRefused.incrementAndGet();
            throw new LimitExceededException(path + " has its maximum of " + maxViewers + " viewers");
        }
        wakeTargetRefs.merge(target, 1, Integer::sum);
        wakeTargets = wakeTargetRefs.keySet().toArray(NO_TARGETS);
        if (stats != null) {
            SubscriberStats[] listed = java.util.Arrays.copyOf(subscribers, subscribers.length + 1);
            listed[listed.length - 1] = stats;
            subscribers = listed;
        }
        countIn(protocol);
        return true;
    }

    /**
     * Counts an audience that is not a ring subscriber (HLS: it fetches segments by request) as one subscriber of
     * {@code protocol} until {@code leaseNs} after its latest request, so the last-viewer-left rules and
     * AutoCloseDelay apply to it as to a connected viewer. Auto-close streams only (elsewhere nothing would close
     * for want of it); each request of the audience calls it, any thread. Returns whether the audience counts.
     *
     * @throws LimitExceededException when the lease would start and the stream already has its maximum of viewers
     */
    public synchronized boolean renewLease(String protocol, long leaseNs) {
        if (state == StreamState.CLOSED || !autoClose) {
            return false;
        }
        AudienceLease lease = leases.get(protocol);
        if (lease == null) {
            if (subscriberCount >= maxViewers) {
                viewersRefused.incrementAndGet();
                throw new LimitExceededException(path + " has its maximum of " + maxViewers + " viewers");
            }
            lease = new AudienceLease();
            leases.put(protocol, lease);
            countIn(protocol);
        }
        lease.renew(clock.nanoTime(), leaseNs);
        return true;
    }

    private void countIn(String protocol) {
        activity.playStarted(protocol);
        subscriberCount++;
        subscribersByProtocol.computeIfAbsent(protocol, p -> new AtomicInteger()).incrementAndGet();
        fire(StreamEvent.SUBSCRIBER_ARRIVED);
    }

    private void countOut(String protocol) {
        subscriberCount--;
        subscribersByProtocol.get(protocol).decrementAndGet();
        if (subscriberCount == 0) {
            closingBecause(state == StreamState.WAITING_PUBLISHER
                    ? "its last viewer left while " + path + " waited for its publisher" : null);
            fire(StreamEvent.LAST_SUBSCRIBER_LEFT);
        }
    }

    /** Ends the leases that ran out at {@code nowNs}; under the monitor. */
    private void expireLeases(long nowNs) {
        if (leases.isEmpty()) {
            return;
        }
        var expired = leases.entrySet().iterator();
        while (expired.hasNext()) {
            var entry = expired.next();
            if (entry.getValue().hasExpired(nowNs)) {
                expired.remove();
                LOG.debug("stream {}: {} audience gone (no request within its lease)", path, entry.getKey());
                countOut(entry.getKey());
            }
        }
    }

    /** Counts a subscriber out; the last one leaving may start the close (see the state diagram). */
    public synchronized void removeSubscriber(String protocol, WakeTarget target) {
        removeSubscriber(protocol, target, null);
    }

    /** Undoes {@link #addSubscriber(String, WakeTarget, SubscriberStats)}. */
    public synchronized void removeSubscriber(String protocol, WakeTarget target, SubscriberStats stats) {
        if (subscriberCount == 0) {
            return;
        }
        if (stats != null) {
            unlist(stats);
            activity.subscriberLeft(stats);
        }
        if (wakeTargetRefs.merge(target, -1, Integer::sum) == 0) {
            wakeTargetRefs.remove(target);
        }
        wakeTargets = wakeTargetRefs.keySet().toArray(NO_TARGETS);
        countOut(protocol);
    }

    /** Closes the stream: subscribers are ended, the registry forgets it. */
    public synchronized void close() {
        close(path + " was closed");
    }

    /**
     * Closes the stream with a reason its waiting viewers are answered with (an on-demand source whose upstreams
     * all failed: "live/x: no upstream delivered it (…)").
     */
    public synchronized void close(String reason) {
        closingBecause(reason);
        fire(StreamEvent.CLOSE);
    }

    /** Notes why the stream is about to close, unless it is closed already; under the monitor. */
    private void closingBecause(String reason) {
        if (state != StreamState.CLOSED) {
            pendingCloseReason = reason;
        }
    }

    /**
     * Whether any audio or video frame was ever published: a track ring's payload memory exists from the first
     * reservation on. Metadata alone does not count.
     */
    public boolean hasMedia() {
        return (video != null && video.hasMedia()) || (audio != null && audio.hasMedia());
    }

    /** Fires the lifecycle timer (or the no-media timeout) if it expired; returns whether the state changed. */
    synchronized boolean pollTimer(long nowNs) {
        StreamState before = lifecycle.state();
        if (before != StreamState.CLOSED && noMediaDeadlineNs != NO_DEADLINE && nowNs - noMediaDeadlineNs >= 0
                && !hasMedia()) {
            LOG.info("stream {} closed in {}: no media within {} ms", path, before, noMediaTimeoutMs);
            closedForNoMedia.incrementAndGet();
            StreamPublisher silent = publisher;
            closingBecause(path + " received no audio or video within " + noMediaTimeoutMs + " ms");
            fire(StreamEvent.CLOSE);
            if (silent != null) {
                silent.endedByServer("its stream " + path + " received no audio or video within " + noMediaTimeoutMs
                        + " ms");
            }
            return true;
        }
        expireLeases(nowNs);
        if (lifecycle.state() != before) {
            return true;
        }
        long deadlineNs = lifecycle.deadlineNs();
        if (deadlineNs != NO_DEADLINE && nowNs - deadlineNs >= 0) {
            closingBecause(before == StreamState.WAITING_PUBLISHER
                    ? (onDemand ? path + " was not delivered by its upstream within " + publishTimeoutS + " s"
                    : path + "'s publisher did not return within " + publishTimeoutS + " s")
                    : path + " had no viewer for its auto-close delay");
        }
        if (lifecycle.poll(nowNs)) {
            LOG.info("stream {} timed out in {}, now {}", path, before, lifecycle.state());
            afterTransition();
            return true;
        }
        return false;
    }

    /** Registers an action to run (on the closing thread) when the stream closes; runs at once if closed. */
    public void onClose(Runnable action) {
        synchronized (this) {
            if (state != StreamState.CLOSED) {
                closeListeners.add(action);
                return;
            }
        }
        action.run();
    }

    /** Undoes {@link #onClose} for an action that no longer needs to run (its owner ended first). */
    public synchronized void removeCloseListener(Runnable action) {
        closeListeners.remove(action);
    }

    /** Registered close actions; for tests that check nothing is left behind. */
    public synchronized int closeListenerCount() {
        return closeListeners.size();
    }

    public synchronized int subscriberCount() {
        return subscriberCount;
    }

    public long illegalEvents() {
        synchronized (this) {
            return lifecycle.illegalEvents();
        }
    }

    private void fire(StreamEvent event) {
        StreamState before = lifecycle.state();
        StreamStateMachine.Outcome outcome = lifecycle.fire(event);
        if (outcome == StreamStateMachine.Outcome.ILLEGAL) {
            LOG.warn("stream {}: illegal event {} in state {} (ignored)", path, event, before);
        } else if (outcome == StreamStateMachine.Outcome.TRANSITIONED) {
            LOG.debug("stream {}: {} --{}--> {}", path, before, event, lifecycle.state());
            afterTransition();
        }
    }

    private void afterTransition() {
        state = lifecycle.state();
        if (state == StreamState.CLOSED) {
            closeReason = pendingCloseReason != null ? pendingCloseReason : path + " was closed";
            publisher = null;
            for (String protocol : leases.keySet()) {
                subscriberCount--;
                subscribersByProtocol.get(protocol).decrementAndGet();
            }
            leases.clear();
            wakeSubscribers();
            // Before the registry frees the budget: rings without a writer or tap give their memory back first.
            for (TrackRing ring : new TrackRing[]{video, audio}) {
                if (ring != null) {
                    ring.releaseStreamHold();
                }
            }
            onClosed.accept(this);
            List<Runnable> listeners = new ArrayList<>(closeListeners);
            closeListeners.clear();
            listeners.forEach(Runnable::run);
        }
    }

    private void unlist(SubscriberStats stats) {
        SubscriberStats[] listed = subscribers;
        for (int i = 0; i < listed.length; i++) {
            if (listed[i] == stats) {
                SubscriberStats[] fewer = new SubscriberStats[listed.length - 1];
                System.arraycopy(listed, 0, fewer, 0, i);
                System.arraycopy(listed, i + 1, fewer, i, listed.length - i - 1);
                subscribers = fewer;
                return;
            }
        }
    }

    // ------------------------------------------------------------------ frame path (no locks)

    /** Wakes every egress worker serving this stream; called by the producer per frame. */
    public void wakeSubscribers() {
        WakeTarget[] targets = wakeTargets;
        for (int i = 0; i < targets.length; i++) {
            targets[i].wake();
        }
    }

    /** A new ring session id: a switch between sources starts one (any source's thread). */
    int nextSession() {
        return sessions.incrementAndGet();
    }

    /** The newest timestamp published; read by the producer (or the source holding the write token). */
    long lastTimestampMs() {
        return lastTimestampMs;
    }

    long nextOrder(long ingestNanos) {
        lastIngestNanos = ingestNanos;
        return order++;
    }

    void noteTimestamp(long timestampMs) {
        if (timestampMs > lastTimestampMs) {
            lastTimestampMs = timestampMs;
        }
    }

    void updateMetadata(byte[] newMetadata) {
        metadata = newMetadata;
    }

    // ------------------------------------------------------------------ stats

    /** The latency stats of a protocol, created on first use (at subscribe time, not per frame). */
    public LatencyStats latency(String protocol) {
        return latency.computeIfAbsent(protocol, LatencyStats::new);
    }

    public Map<String, LatencyStats> latencyByProtocol() {
        return Collections.unmodifiableMap(latency);
    }

    public Map<String, Integer> subscribersByProtocol() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        subscribersByProtocol.forEach((p, n) -> counts.put(p, n.get()));
        return counts;
    }

    /**
     * The listed subscribers now (viewers of every protocol, pushes), in arrival order; a snapshot for stats, cold
     * path.
     */
    public List<SubscriberStats> subscribers() {
        return List.of(subscribers);
    }

    /** Counts frames a slow subscriber skipped. */
    public void addFramesSkipped(long frames) {
        framesSkipped.addAndGet(frames);
    }

    public long framesSkipped() {
        return framesSkipped.get();
    }

    public void countLagDisconnect() {
        subscribersDisconnectedForLag.incrementAndGet();
    }

    public long subscribersDisconnectedForLag() {
        return subscribersDisconnectedForLag.get();
    }

    /** Counts a viewer cut because the producer overwrote a frame while it was being written to it. */
    public void countOverwrittenMidWrite() {
        subscribersCutOverwrittenMidWrite.incrementAndGet();
    }

    public long subscribersCutOverwrittenMidWrite() {
        return subscribersCutOverwrittenMidWrite.get();
    }

    /** Publishes and plays started and what subscribers were sent, by protocol, for monotonic counters. */
    public StreamActivity activity() {
        return activity;
    }

    /** Ingest time ({@link #clock()}) of the newest published frame, 0 before the first. */
    public long lastIngestNanos() {
        return lastIngestNanos;
    }

    @Override
    public String toString() {
        return "Stream[" + path + " " + state + "]";
    }
}
