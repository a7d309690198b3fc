package io.ringcast.broadcast.stream;

/**
 * Admits or refuses a publisher before {@link StreamRegistry#publish} makes it a stream's publisher, and hears when
 * that publish is over: the cluster's claim on a stream name in its directory (one stream lives on one origin).
 * Set on the registry by the plugin that owns it ({@link StreamRegistry#setPublishGate}); {@link #OPEN} admits all.
 * On-demand streams (pulled for viewers) never pass through it. Thread-safe.
 *
 * <p>Every {@link #admit} that returns is followed by exactly one {@link #release} of the same path: when the publish
 * did not start after all (the stream has another local publisher, or a limit refused it), or when its session
 * ended (the publisher left: the stream waits for another or closes). Several admitted publishes of one path may
 * overlap (a publisher taking over a stale one); the path is free only once each was released.
 */
public interface PublishGate {
    /** Admits everything, remembers nothing. */
    PublishGate OPEN = new PublishGate() {
        @Override
        public void admit(StreamPath path) {
        }

        @Override
        public void release(StreamPath path) {
        }
    };

    /**
     * Admits a publisher of {@code path}; called on the publisher's own thread (its connection's ingest thread, a
     * pull's attempt thread) before the stream is created or taken. May block, bounded by the gate's own timeout.
     *
     * @throws PublishDeniedException with the reason the client is told
     */
    void admit(StreamPath path);

    /**
     * An admitted publish of {@code path} is over (or never started). Any thread, possibly under a stream's
     * lifecycle; must not block.
     */
    void release(StreamPath path);
}
