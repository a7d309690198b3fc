package io.ringcast.ingest.relay;

import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;

import java.util.List;

/**
 * The relays of this server: what the web API drives (livego's {@code /control/pull|push}, the proxy form) and shows
 * ({@code /api/relays}). Registered as an engine service by the relay plugin. Thread-safe; no method blocks on I/O.
 */
public interface Relays {
    /**
     * Pulls {@code url} in as local {@code app/name} (livego {@code /control/pull?oper=start}), always on until
     * stopped.
     *
     * @throws RelayRefusedException 400 bad URL or names, 403 host not in {@code [relay] allow_hosts}, 409 already
     *                               pulled or published locally, 503 {@code max_pulls} reached
     */
    RelayView startPull(String app, String name, String url);

    /** Stops the API pull of {@code app/name}; false when there is none. */
    boolean stopPull(String app, String name);

    /**
     * Pushes local {@code app/name} to {@code url} (livego {@code /control/push?oper=start}), from now on and while
     * the stream lives, reconnecting with backoff.
     *
     * @throws RelayRefusedException 400 bad URL, 403 host not allowed, 409 a loop back to this stream, 503
     *                               {@code max_pushes} reached
     */
    RelayView startPush(String app, String name, String url);

    /** Stops the API push of {@code app/name}; false when there is none. */
    boolean stopPush(String app, String name);

    /**
     * The proxy form ({@code GET /live?src=a&app=myapp&stream=test[&port=1935]}): the stream {@code app/stream} of
     * the origin named {@code origin}, pulled on demand (or the local stream already pulling it). {@code port} is
     * -1 when the request named none (the origin's default).
     *
     * @throws RelayRefusedException 403 unknown origin or a port it may not use, 400 bad names, 503 limits
     */
    Stream pullFromOrigin(String origin, int port, String app, String stream);

    /** Every relay, pulls first, in start order. */
    List<RelayView> relays();

    /** How many ended relays {@link #ended()} remembers. */
    int ENDED_KEPT = 32;

    /**
     * The relays that ended, newest first, at most {@link #ENDED_KEPT}: STOPPED (by the API, shutdown, or their
     * stream closing) or FAILED with the last upstream's reason (an on-demand pull that never delivered).
     */
    List<RelayView> ended();

    /** The relays of one stream (its pull, its pushes). */
    List<RelayView> relaysOf(StreamPath path);
}
