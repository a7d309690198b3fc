package io.ringcast.ingest.cluster;

import io.ringcast.broadcast.stream.StreamPath;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which live node holds which stream (Redis: {@code <prefix>stream:<app>/<name>} → node id with a short expiry,
 * refreshed while the stream is published there; {@code <prefix>node:<id>} → the node's heartbeat). Registered as
 * an engine service by the cluster plugin. Thread-safe. Lookups block at most {@code [cluster] redis_timeout_ms};
 * while Redis is known to be down they fail at once.
 */
public interface StreamDirectory {
    /** The relay origin name of pulls the cluster starts (in {@code /api/relays} and {@code /api/cluster}). */
    String RELAY_ORIGIN = "cluster";

    /** This node. */
    NodeInfo self();

    /**
     * The live node holding {@code path}: its entry exists and that node's heartbeat has not expired; empty when
     * none (not published anywhere, or only by a dead node).
     *
     * @throws DirectoryUnavailableException when Redis cannot be asked
     */
    Optional<NodeInfo> holderOf(StreamPath path);

    /**
     * Every live node (heartbeat not expired).
     *
     * @throws DirectoryUnavailableException when Redis cannot be asked
     */
    List<NodeInfo> nodes();

    /**
     * Every stream entry: path → node id.
     *
     * @throws DirectoryUnavailableException when Redis cannot be asked
     */
    Map<StreamPath, String> streams();

    /** The Redis connection's state; never blocks. */
    DirectoryStatus status();

    /**
     * Streams published on this node whose directory entry names another live node (it took the name while Redis
     * was down here): path → that node. This node keeps serving them. Never blocks.
     */
    default Map<StreamPath, String> conflicts() {
        return Map.of();
    }
}
