package io.ringcast.ingest.hooks;

import io.ringcast.broadcast.hooks.HookDecision;
import io.ringcast.broadcast.hooks.HookEvent;
import io.ringcast.broadcast.hooks.HookRequest;
import io.ringcast.broadcast.hooks.HookStats;
import io.ringcast.broadcast.hooks.StreamHooks;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.ingest.relay.RelayManager;
import io.ringcast.ingest.relay.RelayRefusedException;
import io.ringcast.ingest.upstream.UpstreamUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The {@link StreamHooks} of {@code [hooks]}: turns the services' answers into decisions. A failed call (timeout,
 * error, full queue) decides as {@code on_failure} says. nginx-rtmp's 3xx: on play, an rtmp:// or http:// Location
 * is pulled into the stream asked for through the relays (the viewer then plays it as any on-demand stream), any
 * other Location names the local stream to play instead; on publish, the Location's last path part is the name to
 * publish under. Thread-safe; answers are decided on the hook client's threads.
 */
final class HttpHooks implements StreamHooks {
    private static final Logger LOG = LoggerFactory.getLogger(HttpHooks.class);
    private static final long FAILURE_LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    /** HLS viewers remembered between playlist requests: about 200 bytes each, 10 MB at most. */
    private static final int MAX_HLS_SESSIONS = 50_000;
    private static final String HLS = "hls";
    private static final CompletableFuture<HookDecision> ALLOWED = CompletableFuture.completedFuture(
            HookDecision.ALLOW);

    private final HooksConfig config;
    private final HookClient client;
    private final HookStats stats;
    private final Supplier<RelayManager> relays;
    private final NanoClock clock;
    private final AtomicLong nextFailureLogNs;
    private final AtomicLong failuresNotLogged = new AtomicLong();
    private final HlsPlaySessions hlsSessions;

    HttpHooks(HooksConfig config, HookClient client, HookStats stats, Supplier<RelayManager> relays,
              NanoClock clock) {
        this.clock = clock;
        this.nextFailureLogNs = new AtomicLong(clock.nanoTime());
        this.config = config;
        this.client = client;
        this.stats = stats;
        this.relays = relays;
        this.hlsSessions = new HlsPlaySessions(clock, config.hlsSessionTimeoutMs(), MAX_HLS_SESSIONS);
    }

    @Override
    public boolean asksPublish() {
        return config.url(HookEvent.PUBLISH) != null;
    }

    @Override
    public boolean asksPlay(String protocol) {
        return config.url(HookEvent.PLAY) != null || HLS.equals(protocol);
    }

    @Override
    public long answerTimeoutMs() {
        return config.timeoutMs();
    }

    @Override
    public CompletableFuture<HookDecision> askPublish(HookRequest request) {
        return ask(HookEvent.PUBLISH, request);
    }

    /**
     * An HLS playlist request of a viewer whose play was allowed and who keeps requesting is allowed without a call
     * (the hook hears of each HLS viewer once, not of every reload); its end is told by {@link #expireSessions}.
     */
    @Override
    public CompletableFuture<HookDecision> askPlay(HookRequest request) {
        if (!HLS.equals(request.protocol())) {
            return ask(HookEvent.PLAY, request);
        }
        if (hlsSessions.renew(request)) {
            return ALLOWED;
        }
        return ask(HookEvent.PLAY, request).thenApply(decision -> {
            if (decision.verdict() == HookDecision.Verdict.ALLOW) {
                hlsSessions.start(request);
            }
            return decision;
        });
    }

    /** Tells the stop hook of every HLS viewer that stopped requesting; the hooks' timer, once a second. */
    void expireSessions() {
        try {
            hlsSessions.expire(this::playEnded);
        } catch (RuntimeException e) {
            LOG.warn("HLS viewers' stop not told this pass", e);
        }
    }

    /** HLS viewers being watched now. */
    int hlsSessions() {
        return hlsSessions.size();
    }

    @Override
    public void publishEnded(HookRequest request) {
        tell(HookEvent.UNPUBLISH, request);
    }

    @Override
    public void playEnded(HookRequest request) {
        tell(HookEvent.STOP, request);
    }

    /** A recording file was closed (record_done); any thread, never blocks. */
    void recordDone(HookRequest request) {
        tell(HookEvent.RECORD_DONE, request);
    }

    private void tell(HookEvent event, HookRequest request) {
        URI url = config.url(event);
        if (url != null) {
            client.notify(event, url, request, config.timeoutMs());
        }
    }

    private CompletableFuture<HookDecision> ask(HookEvent event, HookRequest request) {
        URI url = config.url(event);
        if (url == null) {
            return CompletableFuture.completedFuture(HookDecision.ALLOW);
        }
        return client.call(event, url, request, config.timeoutMs()).thenApply(answer -> {
            HookDecision decision = decide(event, request, answer);
            if (answer.kind() != HookAnswer.Kind.FAILED) {
                if (decision.allowed()) {
                    stats.allowed(event);
                } else {
                    stats.refused(event);
                }
            }
            return decision;
        });
    }

    private HookDecision decide(HookEvent event, HookRequest request, HookAnswer answer) {
        return switch (answer.kind()) {
            case ALLOW -> HookDecision.ALLOW;
            case REFUSE -> HookDecision.refuse(answer.text());
            case FAILED -> {
                warnFailure(event, request, answer.text());
                yield config.allowOnFailure() ? HookDecision.ALLOW
                        : HookDecision.refuse("the hook service did not answer");
            }
            case REDIRECT -> event == HookEvent.PLAY ? redirectPlay(request, answer.text())
                    : renamed(request, answer.text());
        };
    }

    /**
     * Logs a failed call: the first at once, then at most one line per {@link #FAILURE_LOG_INTERVAL_NS} with the
     * number of failures in between, so a hook service that is down cannot flood the log.
     */
    private void warnFailure(HookEvent event, HookRequest request, String why) {
        long now = clock.nanoTime();
        long next = nextFailureLogNs.get();
        if (now - next < 0 || !nextFailureLogNs.compareAndSet(next, now + FAILURE_LOG_INTERVAL_NS)) {
            failuresNotLogged.incrementAndGet();
            return;
        }
        long more = failuresNotLogged.getAndSet(0);
        LOG.warn("hook {} for {} failed ({}); on_failure = {}{}", event.key(), request.path(), why,
                config.allowOnFailure() ? "allow" : "refuse",
                more == 0 ? "" : " (" + more + " more failed calls not logged since the last line)");
    }

    /** A 3xx on play: pull an rtmp:// or http(s):// Location into the stream asked for, else play another name. */
    private HookDecision redirectPlay(HookRequest request, String location) {
        String scheme = location.toLowerCase(Locale.ROOT);
        if (!scheme.startsWith("rtmp://") && !scheme.startsWith("http://") && !scheme.startsWith("https://")) {
            return renamed(request, location);
        }
        RelayManager manager = relays.get();
        if (manager == null) {
            return HookDecision.refuse("the hook redirected to another server, but relays are off ([relay])");
        }
        try {
            manager.pullOnHookRedirect(request.path(), location);
            LOG.info("play of {} redirected by the hook: pulling {}", request.path(), UpstreamUrl.maskText(location));
            return HookDecision.ALLOW;
        } catch (RelayRefusedException e) {
            LOG.warn("play of {} redirected by the hook to {}, which cannot be pulled: {}", request.path(),
                    UpstreamUrl.maskText(location), e.getMessage());
            return HookDecision.refuse("cannot pull the hook's Location: " + e.getMessage());
        }
    }

    /** A 3xx naming a stream: its last path part, without a query, in the same app. */
    private static HookDecision renamed(HookRequest request, String location) {
        String name = location;
        int query = name.indexOf('?');
        name = query < 0 ? name : name.substring(0, query);
        name = name.substring(name.lastIndexOf('/') + 1);
        if (!StreamPath.isValidPart(name)) {
            return HookDecision.refuse("the hook redirected to an invalid stream name");
        }
        StreamPath renamed = new StreamPath(request.path().app(), name);
        return renamed.equals(request.path()) ? HookDecision.ALLOW : HookDecision.rename(renamed);
    }
}
