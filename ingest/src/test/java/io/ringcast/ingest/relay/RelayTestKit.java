package io.ringcast.ingest.relay;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.StreamRegistry;
import io.ringcast.broadcast.subscribe.FanoutPool;
import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.broadcast.time.ManualWallClock;
import io.ringcast.ingest.upstream.UpstreamPull;
import io.ringcast.ingest.upstream.UpstreamPush;
import io.ringcast.ingest.upstream.UpstreamUrl;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.function.Function;

/** The parts relay tests build on: a manual clock and tasks, a real registry with small rings, fake clients. */
final class RelayTestKit {
    static final RingConfig RINGS = new RingConfig(64, 64, 1 << 16, 1 << 16, false, 1_000, 5_000);
    static final long BACKOFF_MIN_MS = 500;
    static final long BACKOFF_MAX_MS = 4_000;
    static final long STABLE_LIVE_MS = 10_000;

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final ManualWallClock wall = new ManualWallClock(Instant.parse("2026-12-03T12:00:00Z"));
    final StreamRegistry registry;
    final FanoutPool fanout = new FanoutPool(1, clock);
    final ManualRelayTasks tasks;
    final RecordingRelayLog log = new RecordingRelayLog();
    final FakePulls pulls = new FakePulls(clock);
    /** The jitter source's next value, in [0, 1). */
    double jitter;
    Function<UpstreamUrl, UpstreamPush> pushes = url -> {
        throw new IllegalStateException("no push client in this test");
    };

    RelayTestKit() {
        this(null, EngineConfig.DEFAULTS);
    }

    /** @param pool where pool tasks run (null: queued for {@link ManualRelayTasks#runUntilIdle()}) */
    RelayTestKit(Executor pool, EngineConfig engine) {
        this.tasks = new ManualRelayTasks(clock, pool);
        this.registry = new StreamRegistry(engine, RINGS, new LimitsConfig(100, 1_000, 64L << 20, 3_600_000),
                clock);
    }

    RelayContext context() {
        Function<UpstreamUrl, UpstreamPull> pullFactory = pulls;
        return new RelayContext(registry, fanout, RINGS, clock, wall, tasks,
                new Backoff(BACKOFF_MIN_MS, BACKOFF_MAX_MS, () -> jitter), pullFactory, url -> pushes.apply(url),
                log, STABLE_LIVE_MS);
    }

    void advance(Duration step) {
        clock.advance(step);
        wall.advance(step);
    }
}
