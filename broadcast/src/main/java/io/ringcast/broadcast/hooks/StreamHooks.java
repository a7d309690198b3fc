package io.ringcast.broadcast.hooks;

import java.util.concurrent.CompletableFuture;

/**
 * Asks an operator's service before a publish or a play and tells it after: registered as an engine service by the
 * hook plugin when {@code [hooks]} names any URL; protocols ask it at their publish and play and report the ends.
 * Thread-safe; no method blocks: answers arrive through the returned future, notifications are queued and sent
 * (with retries) in the background, and a full queue drops them (counted as failed) rather than wait.
 */
public interface StreamHooks {
    /** Whether a publish must be asked first (an {@code on_publish} URL is set). */
    boolean asksPublish();

    /**
     * Whether a play over {@code protocol} ("rtmp", "httpflv", "hls") goes through {@link #askPlay} first: when an
     * {@code on_play} URL is set, and for a protocol whose viewers the hooks keep as sessions themselves (HLS: its
     * stop is told when the session times out, so its plays are seen even with only {@code on_stop} set).
     */
    boolean asksPlay(String protocol);

    /**
     * The answer to a publish, completed on a hook thread (or at once when nothing needs asking), never
     * exceptionally: a timeout or an error is answered as {@code on_failure} says. It completes at the latest
     * {@link #answerTimeoutMs()} after the call.
     */
    CompletableFuture<HookDecision> askPublish(HookRequest request);

    /**
     * The answer to a play, as {@link #askPublish}. A 3xx to another server has started pulling that URL into
     * {@code request.path()} when the future completes (allowed).
     */
    CompletableFuture<HookDecision> askPlay(HookRequest request);

    /** Tells the service a publish that was allowed has ended (unpublish). */
    void publishEnded(HookRequest request);

    /** Tells the service a viewer that was allowed has left (stop). */
    void playEnded(HookRequest request);

    /** The longest an ask's future takes to complete, queueing included: {@code [hooks] timeout_ms}. */
    long answerTimeoutMs();
}
