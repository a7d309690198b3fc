package io.ringcast.ingest.upstream;

import java.io.IOException;

/**
 * One attempt to pull a stream from one upstream URL: connect, negotiate, then feed media until the upstream ends,
 * fails or {@link #close()} is called. Run on a relay pool thread; every read has a timeout.
 */
public interface UpstreamPull extends AutoCloseable {
    /**
     * Connects and pulls until the end. Calls {@link PullTarget#live} once the upstream confirmed the stream (RTMP:
     * at the first media or metadata message, since nginx-rtmp answers NetStream.Play.Start for a stream nobody
     * publishes; HTTP: 200 with an FLV header), then feeds the ingest it returned.
     *
     * @throws UpstreamException with the reason when the upstream refuses, times out or breaks the protocol
     * @throws IOException       on a socket error (including the one {@link #close()} causes)
     */
    void run(PullTarget target) throws IOException;

    /** Ends {@link #run} promptly (closes the socket); any thread, idempotent. */
    @Override
    void close();
}
