package io.ringcast.broadcast;

import io.ringcast.broadcast.latency.LatencyIntervalListener;
import io.ringcast.broadcast.latency.LatencyStats;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamRegistry;
import io.ringcast.broadcast.stream.SubscriberStats;
import io.ringcast.broadcast.subscribe.FanoutPool;
import io.ringcast.broadcast.subscribe.GatheredWrite;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;

import org.HdrHistogram.Histogram;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The engine: the stream registry, the egress workers and the housekeeping timer (stream lifecycle timeouts,
 * latency sampling). Protocols reach streams through it. Thread-safe.
 */
public final class Engine implements AutoCloseable {
    private static final long TIMER_PERIOD_MS = 100;
    private static final long LATENCY_SAMPLE_PERIOD_MS = 1_000;
    /** Bound on waiting for the housekeeping thread at close; a timer pass takes microseconds. */
    private static final long CLOSE_TIMEOUT_MS = 2_000;

    private final EngineConfig config;
    private final RingConfig rings;
    private final NanoClock clock;
    private final Clock wallClock;
    private final StreamRegistry streams;
    private final FanoutPool fanout;
    private final ScheduledExecutorService housekeeping;
    /** The housekeeping passes, cancelled at close. */
    private final List<ScheduledFuture<?>> timers = new CopyOnWriteArrayList<>();
    private final List<LatencyIntervalListener> latencyListeners =
            new CopyOnWriteArrayList<>();
    /** Wall-clock start of the latency interval being recorded; guarded by {@code latencyListeners}. */
    private long lastSampleEpochMs;
    private final ServerCounters counters = new ServerCounters();
    private final ConcurrentMap<Class<?>, Object> services =
            new ConcurrentHashMap<>();

    /**
     * @param fanoutThreads egress worker threads (viewers are spread over them)
     */
    public Engine(EngineConfig config, RingConfig rings, NanoClock clock, int fanoutThreads) {
        this(config, rings, LimitsConfig.DEFAULTS, clock, fanoutThreads);
    }

    public Engine(EngineConfig config, RingConfig rings, LimitsConfig limits, NanoClock clock, int fanoutThreads) {
        this(config, rings, limits, clock, Clock.systemUTC(), fanoutThreads);
    }

    /**
     * @param clock     monotonic time for every timing rule (stream timers, lag, timeouts) and frames' ingest times
     * @param wallClock calendar time for rules that are calendar times (token expiry) and for timestamps shown to
     *                  people (latency intervals, publish start), injected like {@code clock}
     */
    public Engine(EngineConfig config, RingConfig rings, LimitsConfig limits, NanoClock clock, Clock wallClock,
                  int fanoutThreads) {
        this.config = config;
        this.rings = rings;
        this.clock = clock;
        this.wallClock = wallClock;
        this.lastSampleEpochMs = wallClock.millis();
        this.streams = new StreamRegistry(config, rings, limits, clock);
        // No egress thread's views of a closed stream's rings may keep their direct memory from being freed.
        streams.addListener(stream -> stream.onClose(GatheredWrite::sourcesReleased));
        this.fanout = new FanoutPool(fanoutThreads, clock);
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ringcast-housekeeping");
            t.setDaemon(true);
            return t;
        });
    }

    public Engine start() {
        fanout.start();
        timers.add(housekeeping.scheduleAtFixedRate(streams::pollTimers, TIMER_PERIOD_MS, TIMER_PERIOD_MS,
                TimeUnit.MILLISECONDS));
        timers.add(housekeeping.scheduleAtFixedRate(this::sampleLatency, LATENCY_SAMPLE_PERIOD_MS,
                LATENCY_SAMPLE_PERIOD_MS, TimeUnit.MILLISECONDS));
        return this;
    }

    public EngineConfig config() {
        return config;
    }

    public RingConfig rings() {
        return rings;
    }

    public NanoClock clock() {
        return clock;
    }

    /** Calendar time (UTC) for expiry checks: JWT {@code exp}/{@code nbf}, signed play URLs. */
    public Clock wallClock() {
        return wallClock;
    }

    public StreamRegistry streams() {
        return streams;
    }

    public FanoutPool fanout() {
        return fanout;
    }

    /** Server-wide event counters (refusals, closes by reason) for the stats API. */
    public ServerCounters counters() {
        return counters;
    }

    /** Adds a listener for every sampled latency interval (see {@link #sampleLatency()}). */
    public void addLatencyListener(LatencyIntervalListener listener) {
        latencyListeners.add(listener);
    }

    public void removeLatencyListener(LatencyIntervalListener listener) {
        latencyListeners.remove(listener);
    }

    /**
     * Makes an object of a plugin reachable by type, e.g. the HLS segment store for the HLS servlet; the servlets
     * find plugins this way in any container. Replaces an earlier registration of the type.
     */
    public <T> void registerService(Class<T> type, T service) {
        services.put(type, type.cast(service));
    }

    public <T> void unregisterService(Class<T> type, T service) {
        services.remove(type, service);
    }

    /** The registered service of that type, or null. */
    public <T> T service(Class<T> type) {
        return type.cast(services.get(type));
    }

    /**
     * Moves every stream's recorded latencies into its totals and samples track and subscriber rates; stats read
     * those.
     */
    public void sampleLatency() {
        long now = clock.nanoTime();
        long endMs = wallClock.millis();
        long startMs;
        synchronized (latencyListeners) {
            startMs = lastSampleEpochMs;
            lastSampleEpochMs = endMs;
        }
        for (Stream stream : streams.streams()) {
            for (TrackKind kind : TrackKind.values()) {
                TrackRing ring = stream.track(kind);
                if (ring != null) {
                    ring.rates().sample(ring, now);
                }
            }
            for (SubscriberStats subscriber : stream.subscribers()) {
                subscriber.sampleRates(now);
            }
            for (LatencyStats stats : stream.latencyByProtocol().values()) {
                Histogram interval = stats.sampleInterval();
                interval.setStartTimeStamp(startMs);
                interval.setEndTimeStamp(endMs);
                for (LatencyIntervalListener l : latencyListeners) {
                    l.onInterval(stream.path(), stats.protocol(), interval);
                }
            }
        }
    }

    /**
     * Closes every stream (viewers are ended) and stops the engine's threads, returning once they ended: in a servlet
     * container a thread that outlives its web application pins the application's class loader.
     */
    @Override
    public void close() {
        timers.forEach(timer -> timer.cancel(false));
        housekeeping.shutdownNow();
        try {
            housekeeping.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        streams.closeAll();
        fanout.close();
    }
}
