package io.ringcast.ingest.relay;

import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.broadcast.auth.PublishAuthorizer;
import io.ringcast.broadcast.stream.PublishDeniedException;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.SourceRole;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.ingest.publish.MediaIngest;
import io.ringcast.ingest.publish.StaleTakeover;
import io.ringcast.ingest.upstream.PullTarget;
import io.ringcast.ingest.upstream.UpstreamException;
import io.ringcast.ingest.upstream.UpstreamPull;
import io.ringcast.ingest.upstream.UpstreamUrl;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * One pulled stream: runs {@link UpstreamPull} attempts over its upstreams in failover order. A failed attempt moves
 * on to the next URL at once (rotating: a dead first upstream is not tried again before the others); a full round
 * without success waits a {@link Backoff} step, with no thread held, then starts the next round; an attempt live for
 * {@link RelayContext#stableLiveMs()} resets the backoff. Viewers stay connected across attempts: the stream waits
 * for its next publisher and the engine rebases the next upstream's timestamps.
 *
 * <p>Always-on pulls (rules with {@code on_demand = false}, the API) publish {@code path} through the registry and
 * run until stopped. On-demand pulls publish on the stream a viewer created and stop when it closes. A pull in the
 * {@link SourceRole#BACKUP} role (a rule's {@code backup} URL) publishes as the stream's backup source.
 *
 * <p>Upstreams are a fixed list, or an {@link UpstreamResolver} asked before every round (the cluster's directory):
 * a round it names nothing for fails with its reason and waits its backoff step like any failed round.
 *
 * <p>Threads: attempts run on the relay pool, retries on the relay timer, {@link #stop} and {@link #view} on any
 * thread; state is guarded by this object's monitor, which is never held during I/O.
 */
final class PullRelay {
    private final String key;
    private final StreamPath path;
    private final String origin;
    /** Names the upstreams afresh before every round, or null for the fixed {@link #urls}. */
    private final UpstreamResolver resolver;
    /** The upstreams of this round: the fixed list, or the resolver's last answer (empty before its first). */
    private List<UpstreamUrl> urls;
    /** The on-demand stream it feeds, or null for an always-on pull (publishes {@link #path} via the registry). */
    private final Stream onDemandStream;
    private final RelayContext ctx;
    private final RelayEvents events;
    private final long sinceEpochMs;
    private final long stableLiveNs;
    private final Runnable onEnded;
    private final SourceRole role;
    private final AtomicLong bytes = new AtomicLong();

    private RelayState state = RelayState.CONNECTING;
    private int urlIndex;
    private UpstreamUrl currentUrl;
    private int failedInRound;
    private String failure = "";
    private long attempts;
    private long framesBefore;
    private boolean liveSinceFailure;
    private boolean stopped;
    private UpstreamPull currentPull;
    private MediaIngest currentIngest;
    private final RetryTimer retry;

    /**
     * @param onDemandStream the on-demand stream to feed, or null to publish {@code path} always
     * @param onEnded        runs once when the relay stopped or failed for good (the manager forgets it)
     */
    PullRelay(String key, StreamPath path, String origin, List<UpstreamUrl> urls, Stream onDemandStream,
              RelayContext ctx, Runnable onEnded) {
        this(key, path, origin, urls, onDemandStream, ctx, onEnded, SourceRole.PRIMARY);
    }

    /** @param role whether it publishes as the stream's primary source or as its backup */
    PullRelay(String key, StreamPath path, String origin, List<UpstreamUrl> urls, Stream onDemandStream,
              RelayContext ctx, Runnable onEnded, SourceRole role) {
        this(key, path, origin, requireSome(urls), null, onDemandStream, ctx, ctx.backoff(), onEnded, role);
    }

    /**
     * A pull whose upstreams {@code resolver} names before every round, with its own {@code backoff} between failed
     * rounds.
     */
    PullRelay(String key, StreamPath path, String origin, UpstreamResolver resolver, Stream onDemandStream,
              RelayContext ctx, Backoff backoff, Runnable onEnded) {
        this(key, path, origin, List.of(), resolver, onDemandStream, ctx, backoff, onEnded, SourceRole.PRIMARY);
    }

    private PullRelay(String key, StreamPath path, String origin, List<UpstreamUrl> urls, UpstreamResolver resolver,
                      Stream onDemandStream, RelayContext ctx, Backoff backoff, Runnable onEnded, SourceRole role) {
        this.role = role;
        this.key = key;
        this.path = path;
        this.origin = origin;
        this.resolver = resolver;
        this.urls = List.copyOf(urls);
        this.onDemandStream = onDemandStream;
        this.ctx = ctx;
        this.retry = new RetryTimer(ctx, backoff);
        this.onEnded = onEnded;
        this.events = new RelayEvents("pull " + path + (role == SourceRole.BACKUP ? " (backup)" : ""), ctx.log());
        this.sinceEpochMs = ctx.wallClock().millis();
        this.stableLiveNs = TimeUnit.MILLISECONDS.toNanos(ctx.stableLiveMs());
        this.currentUrl = this.urls.isEmpty() ? null : this.urls.get(0);
    }

    private static List<UpstreamUrl> requireSome(List<UpstreamUrl> urls) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("a pull needs at least one upstream");
        }
        return urls;
    }

    StreamPath path() {
        return path;
    }

    String key() {
        return key;
    }

    String origin() {
        return origin;
    }

    /** Starts the first attempt; an on-demand pull also stops when its stream closes. */
    void start() {
        synchronized (this) {
            events.started(origin + ", from " + (resolver != null ? resolver.toString()
                    : urls.stream().map(UpstreamUrl::masked).collect(Collectors.joining(", "))));
        }
        if (onDemandStream != null) {
            onDemandStream.onClose(() -> stop("its stream closed"));
        }
        ctx.tasks().execute(this::runAttempt);
    }

    /**
     * Stops the relay: a running attempt is closed (its connection with it), a pending retry cancelled. FAILED when
     * the relay had not been live since its last failure (it never delivered), else STOPPED. Idempotent.
     */
    void stop(String reason) {
        UpstreamPull pull;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            boolean gaveUp = !liveSinceFailure && !failure.isEmpty() && onDemandStream != null;
            state = gaveUp ? RelayState.FAILED : RelayState.STOPPED;
            retry.cancel();
            pull = currentPull;
            events.ended(state, gaveUp ? reason + " (last failure: " + failure + ")" : reason);
        }
        if (pull != null) {
            pull.close();
        }
        onEnded.run();
    }

    synchronized RelayView view() {
        MediaIngest ingest = currentIngest;
        long frames = framesBefore + (ingest == null ? 0 : ingest.framesPublished());
        return new RelayView(key, "pull", path, origin, urls.stream().map(UpstreamUrl::masked).toList(),
                currentUrl == null ? "" : currentUrl.masked(), state,
                state == RelayState.BACKING_OFF ? retry.dueEpochMs() : 0, failure, bytes.get(), frames,
                Math.max(0, attempts - 1), 0, sinceEpochMs);
    }

    /**
     * One attempt on the relay pool: the round's upstreams resolved if it starts one, then the client for the current
     * URL run until it ends, then decide what next.
     */
    private void runAttempt() {
        if (!resolveRound()) {
            return;
        }
        UpstreamUrl url;
        Attempt attempt;
        UpstreamPull pull;
        synchronized (this) {
            if (stopped) {
                return;
            }
            url = urls.get(urlIndex);
            currentUrl = url;
            attempts++;
            state = RelayState.CONNECTING;
            attempt = new Attempt(url);
            try {
                pull = ctx.pulls().apply(url);
            } catch (RuntimeException e) {
                pull = null;
                attempt.reason = "no client for " + url.masked() + ": " + e.getMessage();
            }
            currentPull = pull;
        }
        if (pull != null) {
            attempt.reason = runClient(pull, attempt);
        }
        attempt.endPublish();
        attemptEnded(url, attempt);
    }

    /** Runs the client to its end; returns why it ended, credentials masked. */
    private static String runClient(UpstreamPull pull, Attempt attempt) {
        String reason;
        try {
            pull.run(attempt);
            reason = "the upstream ended the stream";
        } catch (UpstreamException e) {
            reason = e.getMessage();
        } catch (IOException e) {
            reason = "connection failed: " + e.getMessage();
        } catch (RuntimeException e) {
            // A broken client ends this attempt (the relay goes on with the next), never the pool thread.
            reason = "pull client failed: " + e;
        } finally {
            pull.close();
        }
        String raw = attempt.url.raw();
        return reason == null ? "unknown" : reason.replace(raw, attempt.url.masked());
    }

    private void attemptEnded(UpstreamUrl url, Attempt attempt) {
        synchronized (this) {
            framesBefore += attempt.frames;
            currentIngest = null;
            currentPull = null;
            if (stopped) {
                return;
            }
            if (onDemandStream != null && onDemandStream.isClosed()) {
                // The close listener stops it (it may run on another thread right now).
                failure = attempt.reason;
                return;
            }
            failure = attempt.reason;
            liveSinceFailure = false;
            events.failed(url.masked(), attempt.reason);
            if (attempt.liveNs >= stableLiveNs) {
                retry.reset();
                failedInRound = 0;
            } else {
                failedInRound++;
            }
            urlIndex = (urlIndex + 1) % urls.size();
            if (failedInRound < urls.size()) {
                state = RelayState.CONNECTING;
                ctx.tasks().execute(this::runAttempt);
                return;
            }
            failedInRound = 0;
            long delayMs = retry.schedule(this::retryDue);
            state = RelayState.BACKING_OFF;
            events.backingOff("every upstream failed, retrying in " + delayMs + " ms (and with growing waits up to "
                    + retry.maxDelayMs() + " ms while they fail)");
        }
    }

    /**
     * At the start of a round of a resolved pull, asks the resolver (outside the monitor: it may block) for this
     * round's upstreams. Returns whether the attempt goes on; when the resolver names none, the round has failed and
     * the retry is scheduled.
     */
    private boolean resolveRound() {
        synchronized (this) {
            if (resolver == null || failedInRound != 0) {
                return true; // a fixed list, or a round under way
            }
        }
        List<UpstreamUrl> resolved;
        String reason;
        try {
            resolved = List.copyOf(resolver.upstreamsNow());
            reason = resolved.isEmpty() ? path + " is not in the directory" : null;
        } catch (RuntimeException e) {
            resolved = List.of();
            reason = "no upstream: " + e.getMessage();
        }
        synchronized (this) {
            if (stopped) {
                return false;
            }
            if (reason == null) {
                urls = resolved;
                urlIndex = 0;
                return true;
            }
            attempts++;
            failure = reason;
            liveSinceFailure = false;
            events.failed(resolver.toString(), reason);
            if (onDemandStream != null && onDemandStream.isClosed()) {
                return false; // the close listener stops it
            }
            long delayMs = retry.schedule(this::retryDue);
            state = RelayState.BACKING_OFF;
            events.backingOff(reason + ", asking again in " + delayMs + " ms (and at most every "
                    + retry.maxDelayMs() + " ms while it fails)");
            return false;
        }
    }

    private void retryDue() {
        synchronized (this) {
            if (stopped || state != RelayState.BACKING_OFF) {
                return;
            }
            if (!retry.isDue(this::retryDue)) {
                return;
            }
            state = RelayState.CONNECTING;
        }
        ctx.tasks().execute(this::runAttempt);
    }

    private synchronized void wentLive(UpstreamUrl url, MediaIngest ingest) {
        currentIngest = ingest;
        state = RelayState.LIVE;
        liveSinceFailure = true;
        events.live(url.masked());
    }

    /** What one attempt delivers into; owned by the attempt's pool thread (live() and the feeding). */
    private final class Attempt implements PullTarget {
        private final UpstreamUrl url;
        private MediaIngest ingest;
        private long liveSinceNs;
        private long liveNs;
        private long frames;
        private String reason;

        Attempt(UpstreamUrl url) {
            this.url = url;
        }

        @Override
        public MediaIngest live() throws UpstreamException {
            if (ingest != null) {
                return ingest;
            }
            PublisherInfo info = new PublisherInfo("pull", url.masked(), ctx.wallClock().millis());
            StreamPublisher session;
            try {
                if (role == SourceRole.BACKUP) {
                    session = onDemandStream != null ? onDemandStream.publishBackup(info)
                            : ctx.registry().publishBackup(path, info, false);
                } else {
                    session = onDemandStream != null ? onDemandStream.publish(info)
                            : ctx.registry().publish(path, info, false);
                }
            } catch (LimitExceededException | PublishDeniedException e) {
                throw new UpstreamException("the engine refused the stream: " + e.getMessage());
            }
            if (session == null) {
                throw new UpstreamException(onDemandStream != null && onDemandStream.isClosed()
                        ? "its stream closed" : path + " has another " + (role == SourceRole.BACKUP ? "backup"
                        : "publisher"));
            }
            UpstreamPull pull;
            synchronized (PullRelay.this) {
                pull = currentPull;
            }
            MediaIngest media = new MediaIngest(ctx.registry(), () -> PublishAuthorizer.OPEN, "pull " + url.masked(),
                    StaleTakeover.NEVER, reason -> {
                        if (pull != null) {
                            pull.close();
                        }
                    }, ctx.wallClock());
            media.publishOn(session);
            ingest = media;
            liveSinceNs = ctx.clock().nanoTime();
            synchronized (PullRelay.this) {
                if (stopped) {
                    endPublish();
                    throw new UpstreamException("the relay was stopped");
                }
            }
            wentLive(url, media);
            return media;
        }

        @Override
        public void bytesRead(int count) {
            bytes.addAndGet(count);
        }

        /** Ends the local publish (viewers wait for the next attempt); on the attempt's thread, idempotent. */
        void endPublish() {
            if (ingest != null) {
                liveNs = ctx.clock().nanoTime() - liveSinceNs;
                frames = ingest.framesPublished();
                ingest.stopPublish();
                ingest = null;
            }
        }
    }
}
