package io.ringcast.ingest.relay;

import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.StreamRegistry;
import io.ringcast.broadcast.subscribe.FanoutPool;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.ingest.upstream.UpstreamPull;
import io.ringcast.ingest.upstream.UpstreamPush;
import io.ringcast.ingest.upstream.UpstreamUrl;

import java.time.Clock;
import java.util.function.Function;

/**
 * What every relay runs with: the engine's parts, the pool and timer, the backoff, the client factories and the log.
 * Immutable.
 *
 * @param registry     the engine's streams
 * @param fanout       the egress workers push subscriptions run on
 * @param rings        ring sizes and the lag policy of push subscriptions (as a viewer's)
 * @param clock        the engine's monotonic clock: every deadline and decision
 * @param wallClock    the engine's wall clock: times shown in views
 * @param tasks        the relay pool and timer
 * @param backoff      waits between rounds of failed attempts
 * @param pulls        makes the pull client for an upstream URL (by scheme in production, fakes in tests)
 * @param pushes       makes the push client for a target URL
 * @param log          where changes are logged
 * @param stableLiveMs an attempt live at least this long resets the backoff (the upstream works again)
 */
public record RelayContext(StreamRegistry registry, FanoutPool fanout, RingConfig rings, NanoClock clock,
                           Clock wallClock, RelayTasks tasks, Backoff backoff,
                           Function<UpstreamUrl, UpstreamPull> pulls, Function<UpstreamUrl, UpstreamPush> pushes,
                           RelayLog log, long stableLiveMs) {
    /** A live period after which the next failure starts over at the shortest backoff. */
    public static final long DEFAULT_STABLE_LIVE_MS = 10_000;
}
