package io.ringcast.ingest.publish;

import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.stream.StreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The policy for a publish of a stream that already has a publisher: when that publisher's connection has read
 * nothing for {@code staleMs}, it died without a close (a pulled cable, a Wi-Fi roam) and its encoder is most likely
 * the one reconnecting, so the new publish takes the stream over instead of being refused until the dead connection
 * times out. A publisher that still sends is never displaced. Immutable; used by publishing connections' threads.
 *
 * @param staleMs                 silence after which a publisher counts as dead; 0 never takes over
 * @param disconnectThisConnection closes this connection when a successor takes its stream over
 */
public record StaleTakeover(long staleMs, Runnable disconnectThisConnection) {
    /** Never takes over, and cannot be taken over. */
    public static final StaleTakeover NEVER = new StaleTakeover(0, null);
    private static final Logger LOG = LoggerFactory.getLogger(StaleTakeover.class);
    /** How long the successor waits for the dead connection's thread to end its session. */
    private static final long WAIT_FOR_SESSION_END_MS = 2_000;

    /**
     * Disconnects the stale publisher of {@code path}, waits for its session to end and publishes in its place.
     *
     * @param nowNanos when the publish command was read, on the clock of the publishers' reads
     * @return the new session, or null when the current publisher is alive (or would not end in time)
     */
    StreamPublisher takeOver(StreamRegistry registry, StreamPath path, PublisherInfo info, long nowNanos,
                             String remote) {
        if (staleMs <= 0) {
            return null;
        }
        Stream stream = registry.find(path);
        if (stream == null) {
            return null;
        }
        StreamPublisher stale = stream.disconnectStalePublisher(nowNanos, TimeUnit.MILLISECONDS.toNanos(staleMs));
        if (stale == null) {
            return null;
        }
        LOG.warn("{}: takes {} over from {}, which sent nothing for {} ms or more", remote, path,
                stale.info().remoteAddress(), staleMs);
        try {
            if (!stream.awaitPublisherGone(stale, WAIT_FOR_SESSION_END_MS)) {
                LOG.warn("{}: the stale publisher of {} did not end within {} ms", remote, path,
                        WAIT_FOR_SESSION_END_MS);
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        return registry.publish(path, info, false);
    }
}
