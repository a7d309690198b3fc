package io.ringcast.ingest.cluster;

import io.ringcast.broadcast.stream.PublishDeniedException;
import io.ringcast.broadcast.stream.PublishGate;
import io.ringcast.broadcast.stream.StreamPath;

/**
 * The cluster's {@link PublishGate}: an edge takes no publishes; elsewhere a publish is admitted when this node
 * claims the stream's directory entry (absent, ours, or held by a dead node) or Redis is down (claimed when it
 * returns), and refused when another live node holds it. Thread-safe; {@link #admit} runs on the publisher's
 * thread and may block for {@code redis_timeout_ms}.
 */
final class ClusterPublishGate implements PublishGate {
    static final String EDGE_REFUSAL = "this node is an edge: publish to an origin";

    private final ClusterRole role;
    private final RedisStreamDirectory directory;

    ClusterPublishGate(ClusterRole role, RedisStreamDirectory directory) {
        this.role = role;
        this.directory = directory;
    }

    @Override
    public void admit(StreamPath path) {
        if (!role.acceptsPublishes()) {
            throw new PublishDeniedException(EDGE_REFUSAL);
        }
        directory.claim(path).ifPresent(holder -> {
            throw new PublishDeniedException(path + " is live on node " + holder);
        });
    }

    @Override
    public void release(StreamPath path) {
        directory.release(path);
    }
}
