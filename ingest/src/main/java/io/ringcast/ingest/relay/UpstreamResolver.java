package io.ringcast.ingest.relay;

import io.ringcast.ingest.upstream.UpstreamUrl;

import java.util.List;

/**
 * Where a pull finds its upstreams when they are not a fixed list: asked afresh before every round of attempts, so a
 * stream that moved (its origin died, its encoder republished elsewhere) is found where it is now. Called on the
 * relay pool thread, never under the relay's monitor; a lookup may block up to its own timeout.
 */
@FunctionalInterface
public interface UpstreamResolver {
    /**
     * The upstreams of the next round, in failover order. Empty when nothing holds the stream now: the round fails
     * with "not in the directory" and is tried again after the relay's backoff.
     *
     * @throws RuntimeException when the lookup cannot be made now: the round fails with its message
     */
    List<UpstreamUrl> upstreamsNow();
}
