package io.ringcast.ingest.hooks;

import io.ringcast.broadcast.hooks.HookEvent;
import io.ringcast.broadcast.hooks.HookRequest;
import io.ringcast.broadcast.hooks.HookStats;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.ingest.upstream.UpstreamUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends hook calls with the JDK's asynchronous HTTP client: at most {@code max_in_flight} at once, the others in a
 * queue of at most {@code max_queued}; every call has a deadline after which its answer is FAILED and its HTTP
 * exchange is cancelled (the connection closed), whatever the service does (silence, a body that never ends).
 * Notifications are retried with doubling backoff on the timer. No thread waits on a socket: the client's selector
 * thread does the I/O, {@code threads} threads run the answers, one timer thread the deadlines and retries.
 * Thread-safe.
 */
final class HookClient {
    /** The most of an answer's body that is read: a reason, a JSON code. */
    static final int MAX_ANSWER_BYTES = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(HookClient.class);

    private final HttpClient http;
    private final HookStyle style;
    private final HookStats stats;
    private final NanoClock clock;
    private final ScheduledExecutorService timer;
    private final int maxInFlight;
    private final int maxQueued;
    private final int notifyRetries;
    private final long notifyBackoffMs;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger queuedCount = new AtomicInteger();
    private final Queue<Call> queue = new ConcurrentLinkedQueue<>();

    HookClient(HttpClient http, HookStyle style, HookStats stats, NanoClock clock, ScheduledExecutorService timer,
               HooksConfig config) {
        this.http = http;
        this.style = style;
        this.stats = stats;
        this.clock = clock;
        this.timer = timer;
        this.maxInFlight = config.maxInFlight();
        this.maxQueued = config.maxQueued();
        this.notifyRetries = config.notifyRetries();
        this.notifyBackoffMs = config.notifyBackoffMs();
    }

    /** Calls open now (for tests and leaks: 0 once everything answered or timed out). */
    int inFlight() {
        return inFlight.get();
    }

    /**
     * Calls {@code url} about {@code event}; the future completes with the service's answer, or FAILED at the
     * latest {@code timeoutMs} from now. Never completes exceptionally.
     */
    // The chained futures below exist for their side effects (cancelling the deadline or the exchange, retrying);
    // none can fail: every path completes the answer normally.
    @SuppressWarnings("FutureReturnValueIgnored")
    CompletableFuture<HookAnswer> call(HookEvent event, URI url, HookRequest request, long timeoutMs) {
        Call call = new Call(event, url, request, clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs));
        java.util.concurrent.ScheduledFuture<?> deadline;
        try {
            deadline = timer.schedule(() -> call.fail("no answer within " + timeoutMs + " ms"), timeoutMs,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            call.fail("the hooks stopped");
            return call.answer;
        }
        call.answer.whenComplete((a, e) -> deadline.cancel(false));
        submit(call);
        return call.answer;
    }

    /** Tells {@code url} about {@code event}, in the background; retried when it fails. Never blocks. */
    void notify(HookEvent event, URI url, HookRequest request, long timeoutMs) {
        attempt(event, url, request, timeoutMs, 0);
    }

    @SuppressWarnings("FutureReturnValueIgnored")
    private void attempt(HookEvent event, URI url, HookRequest request, long timeoutMs, int attempt) {
        call(event, url, request, timeoutMs).thenAccept(answer -> {
            if (answer.kind() == HookAnswer.Kind.ALLOW || answer.kind() == HookAnswer.Kind.REDIRECT) {
                stats.allowed(event);
                return;
            }
            if (answer.kind() == HookAnswer.Kind.REFUSE) {
                stats.refused(event);
            }
            if (attempt >= notifyRetries) {
                LOG.info("hook {} for {} given up after {} attempts: {}", event.key(), request.path(), attempt + 1,
                        answer.text().isEmpty() ? answer.kind() : answer.text());
                return;
            }
            long waitMs = notifyBackoffMs << Math.min(attempt, 20);
            try {
                timer.schedule(() -> {
                    stats.retried(event);
                    attempt(event, url, request, timeoutMs, attempt + 1);
                }, waitMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                LOG.debug("hook {} for {} not retried: the hooks stopped", event.key(), request.path());
            }
        });
    }

    private void submit(Call call) {
        if (queuedCount.incrementAndGet() > maxQueued && inFlight.get() >= maxInFlight) {
            queuedCount.decrementAndGet();
            call.fail("the hook queue is full (" + maxQueued + " waiting, [hooks] max_queued)");
            return;
        }
        queue.add(call);
        drain();
    }

    /** Starts queued calls while fewer than max_in_flight are open; any thread. */
    private void drain() {
        while (true) {
            int open = inFlight.get();
            if (open >= maxInFlight || queue.isEmpty()) {
                return;
            }
            if (!inFlight.compareAndSet(open, open + 1)) {
                continue;
            }
            Call call = queue.poll();
            if (call == null) {
                inFlight.decrementAndGet();
                continue;
            }
            queuedCount.decrementAndGet();
            if (!send(call)) {
                inFlight.decrementAndGet();
            }
        }
    }

    /** Sends one call; false when it had already failed (its deadline passed while it waited). */
    @SuppressWarnings("FutureReturnValueIgnored")
    private boolean send(Call call) {
        long remainingNs = call.deadlineNs - clock.nanoTime();
        if (call.answer.isDone() || remainingNs <= 0) {
            call.fail("no answer within the timeout (queued)");
            return false;
        }
        HttpRequest request = HttpRequest.newBuilder(call.url)
                .timeout(Duration.ofNanos(remainingNs))
                .header("Content-Type", style.contentType())
                .header("User-Agent", "ringcast")
                .POST(HttpRequest.BodyPublishers.ofString(style.body(call.event, call.request)))
                .build();
        stats.called(call.event);
        long startNs = clock.nanoTime();
        String masked = UpstreamUrl.maskText(call.url.toString());
        LOG.debug("hook {} {} -> {}", call.event.key(), call.request.path(), masked);
        CompletableFuture<HttpResponse<String>> exchange;
        try {
            exchange = http.sendAsync(request, info -> new LimitedBody(MAX_ANSWER_BYTES));
        } catch (RuntimeException e) { // the client is shut down
            call.fail(e.toString());
            return false;
        }
        // A call that fails first (its deadline) cancels the exchange: the connection is closed, the slot freed.
        call.answer.whenComplete((a, e) -> exchange.cancel(true));
        exchange.whenComplete((response, error) -> {
            long latencyUs = TimeUnit.NANOSECONDS.toMicros(clock.nanoTime() - startNs);
            stats.latencyUs(call.event, latencyUs);
            inFlight.decrementAndGet();
            if (error != null) {
                call.fail(error.getCause() != null ? error.getCause().toString() : error.toString());
            } else {
                String location = response.headers().firstValue("Location").orElse(null);
                HookAnswer answer = style.read(response.statusCode(), location, response.body());
                LOG.debug("hook {} {} <- {} {} in {} µs{}", call.event.key(), call.request.path(), masked,
                        response.statusCode(), latencyUs,
                        answer.text().isEmpty() ? "" : ": " + UpstreamUrl.maskText(answer.text()));
                call.answer.complete(answer);
            }
            drain();
        });
        return true;
    }

    /** One call: what to send, by when, and its answer. */
    private final class Call {
        final HookEvent event;
        final URI url;
        final HookRequest request;
        final long deadlineNs;
        final CompletableFuture<HookAnswer> answer = new CompletableFuture<>();

        Call(HookEvent event, URI url, HookRequest request, long deadlineNs) {
            this.event = event;
            this.url = url;
            this.request = request;
            this.deadlineNs = deadlineNs;
        }

        void fail(String why) {
            if (answer.complete(HookAnswer.failed(why))) {
                stats.failed(event);
                LOG.debug("hook {} {} to {} failed: {}", event.key(), request.path(),
                        UpstreamUrl.maskText(url.toString()), why);
            }
        }
    }
}
