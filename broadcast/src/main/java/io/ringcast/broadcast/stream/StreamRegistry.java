package io.ringcast.broadcast.stream;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.time.NanoClock;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * All live streams by path. Thread-safe; lookups are lock-free, creation and removal are per-key atomic.
 */
public final class StreamRegistry {
    private final ConcurrentMap<StreamPath, Stream> streams = new ConcurrentHashMap<>();
    private final EngineConfig engine;
    private final RingConfig rings;
    private final NanoClock clock;
    private final java.util.List<StreamListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final LimitsConfig limits;
    private final AtomicLong publishersRefused = new AtomicLong();
    private final AtomicLong viewersRefused = new AtomicLong();

    public StreamRegistry(EngineConfig engine, RingConfig rings, NanoClock clock) {
        this(engine, rings, LimitsConfig.DEFAULTS, clock);
    }

    public StreamRegistry(EngineConfig engine, RingConfig rings, LimitsConfig limits, NanoClock clock) {
        this.engine = engine;
        this.rings = rings;
        this.limits = limits;
        this.clock = clock;
    }

    public LimitsConfig limits() {
        return limits;
    }

    /** Publishers refused because {@link LimitsConfig#maxStreams()} was reached. */
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
     *
     * @param autoClose close the stream when its last subscriber leaves (pulled/relayed streams)
     * @throws LimitExceededException when the stream is new and {@link LimitsConfig#maxStreams()} exist
     */
    public StreamPublisher publish(StreamPath path, PublisherInfo info, boolean autoClose) {
        if (!streams.containsKey(path) && streams.size() >= limits.maxStreams()) {
            publishersRefused.incrementAndGet();
            throw new LimitExceededException("the server has its maximum of " + limits.maxStreams() + " streams");
        }
        while (true) {
            boolean[] created = {false};
            Stream stream = streams.computeIfAbsent(path, p -> {
                created[0] = true;
                return newStream(p, autoClose, false);
            });
            if (created[0]) {
                for (StreamListener listener : listeners) {
                    listener.onStreamStarted(stream);
                }
            }
            StreamPublisher session = stream.publish(info);
            if (session != null || !stream.isClosed()) {
                return session;
            }
            streams.remove(path, stream);
        }
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

    private Stream newStream(StreamPath path, boolean autoClose, boolean onDemand) {
        return new Stream(path, engine, rings, clock, autoClose, onDemand, closed -> streams.remove(path, closed),
                limits.maxViewersPerStream(), viewersRefused);
    }
}
