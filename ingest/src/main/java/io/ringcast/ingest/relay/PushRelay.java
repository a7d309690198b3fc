package io.ringcast.ingest.relay;

import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.subscribe.CloseReason;
import io.ringcast.broadcast.subscribe.Subscription;
import io.ringcast.ingest.upstream.UpstreamException;
import io.ringcast.ingest.upstream.UpstreamPush;
import io.ringcast.ingest.upstream.UpstreamUrl;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;

/**
 * One push of a local stream to one target. Each connection is fed by a ring {@link Subscription} like a viewer's:
 * it never slows the publisher, a slow target skips to the newest keyframe (counted), and every new connection gets
 * metadata and sequence headers first. A dropped or refused connection is retried after a {@link Backoff} step, with
 * no thread held meanwhile; the push ends when its stream closes or it is stopped.
 *
 * <p>Threads: connects run on the relay pool, retries on the relay timer, the closed hook on whichever thread saw
 * the end; state is guarded by this object's monitor, never held during I/O.
 */
final class PushRelay {
    private final String key;
    private final String origin;
    private final UpstreamUrl url;
    private final Stream stream;
    private final RelayContext ctx;
    private final RelayEvents events;
    private final long sinceEpochMs;
    private final long stableLiveNs;
    private final Runnable onEnded;
    private final Runnable stopOnStreamClose = this::streamClosed;

    private RelayState state = RelayState.CONNECTING;
    private String failure = "";
    private long attempts;
    private long bytesBefore;
    private long framesBefore;
    private long skipsBefore;
    private long liveSinceNs;
    private boolean stopped;
    private UpstreamPush current;
    private Subscription subscription;
    private final RetryTimer retry;

    PushRelay(String key, String origin, UpstreamUrl url, Stream stream, RelayContext ctx, Runnable onEnded) {
        this.key = key;
        this.origin = origin;
        this.url = url;
        this.stream = stream;
        this.ctx = ctx;
        this.retry = new RetryTimer(ctx);
        this.onEnded = onEnded;
        this.events = new RelayEvents("push " + stream.path() + " to " + url.masked(), ctx.log());
        this.sinceEpochMs = ctx.wallClock().millis();
        this.stableLiveNs = TimeUnit.MILLISECONDS.toNanos(ctx.stableLiveMs());
    }

    String key() {
        return key;
    }

    Stream stream() {
        return stream;
    }

    String origin() {
        return origin;
    }

    UpstreamUrl url() {
        return url;
    }

    /** Starts the first connection; the push stops when its stream closes. */
    void start() {
        synchronized (this) {
            events.started(origin);
        }
        stream.onClose(stopOnStreamClose);
        ctx.tasks().execute(this::connect);
    }

    /** Ends the push: the connection is closed, a pending retry cancelled. Idempotent. */
    void stop(String reason) {
        UpstreamPush push;
        Subscription sub;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            state = RelayState.STOPPED;
            retry.cancel();
            push = current;
            sub = subscription;
            events.ended(state, reason);
        }
        if (sub != null) {
            sub.requestClose(CloseReason.VIEWER_LEFT);
        }
        if (push != null) {
            push.close();
        }
        // A long-lived stream outlives pushes started and stopped by the API: it must not keep each one reachable.
        stream.removeCloseListener(stopOnStreamClose);
        onEnded.run();
    }

    private void streamClosed() {
        stop("its stream closed");
    }

    synchronized RelayView view() {
        UpstreamPush push = current;
        long bytes = bytesBefore + (push == null ? 0 : push.bytesWritten());
        long frames = framesBefore + (push == null ? 0 : push.framesWritten());
        long skips = skipsBefore + (push == null ? 0 : push.skips());
        return new RelayView(key, "push", stream.path(), origin, List.of(url.masked()), url.masked(), state,
                state == RelayState.BACKING_OFF ? retry.dueEpochMs() : 0, failure, bytes, frames,
                Math.max(0, attempts - 1), skips, sinceEpochMs);
    }

    /** One connection attempt on the relay pool. */
    private void connect() {
        UpstreamPush push;
        synchronized (this) {
            if (stopped) {
                return;
            }
            if (stream.isClosed()) {
                push = null;
            } else {
                attempts++;
                state = RelayState.CONNECTING;
                try {
                    push = ctx.pushes().apply(url);
                } catch (RuntimeException e) {
                    failedToConnect(null, "no client for " + url.masked() + ": " + e.getMessage());
                    return;
                }
                current = push;
            }
        }
        if (push == null) {
            stop("its stream closed");
            return;
        }
        AtomicReference<Subscription> fed = new AtomicReference<>();
        Subscription sub;
        try {
            sub = push.connect(stream, ctx.rings(), reason -> connectionEnded(push, fed.get(), reason));
        } catch (UpstreamException e) {
            failedToConnect(push, e.getMessage());
            return;
        } catch (IOException e) {
            failedToConnect(push, "connection failed: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            // A broken client ends this attempt (the relay retries), never the pool thread.
            failedToConnect(push, "push client failed: " + e);
            return;
        }
        fed.set(sub);
        synchronized (this) {
            if (stopped || current != push) {
                push.close();
                return;
            }
            subscription = sub;
            liveSinceNs = ctx.clock().nanoTime();
            state = RelayState.LIVE;
            events.live(url.masked());
        }
        if (!ctx.fanout().add(sub)) {
            push.close();
            connectionEnded(push, sub, "its stream closed");
        }
    }

    private void failedToConnect(UpstreamPush push, String reason) {
        if (push != null) {
            push.close();
        }
        synchronized (this) {
            if (current == push) {
                current = null;
            }
            if (!stopped) {
                backOff(reason.replace(url.raw(), url.masked()), false);
            }
        }
    }

    /** The connection ended (sink closed, target dropped); once per connection, any thread. */
    private void connectionEnded(UpstreamPush push, Subscription sub, String reason) {
        if (sub != null) {
            sub.requestClose(CloseReason.WRITE_FAILED);
        }
        boolean streamClosed;
        synchronized (this) {
            if (current != push) {
                return;
            }
            current = null;
            subscription = null;
            bytesBefore += push.bytesWritten();
            framesBefore += push.framesWritten();
            skipsBefore += push.skips();
            streamClosed = stream.isClosed();
            if (!stopped && !streamClosed) {
                boolean stable = ctx.clock().nanoTime() - liveSinceNs >= stableLiveNs;
                backOff(reason == null ? "the target closed the connection" : reason.replace(url.raw(),
                        url.masked()), stable);
            }
        }
        push.close();
        if (streamClosed) {
            stop("its stream closed");
        }
    }

    /** Schedules the next connection after a backoff step; under the monitor. */
    private void backOff(String reason, boolean resetBackoff) {
        if (resetBackoff) {
            retry.reset();
        }
        failure = reason;
        events.failed(url.masked(), reason);
        long delayMs = retry.schedule(this::retryDue);
        state = RelayState.BACKING_OFF;
        events.backingOff("reconnecting in " + delayMs + " ms");
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
        ctx.tasks().execute(this::connect);
    }
}
