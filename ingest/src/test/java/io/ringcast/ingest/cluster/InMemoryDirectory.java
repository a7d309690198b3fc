package io.ringcast.ingest.cluster;

import io.ringcast.broadcast.stream.StreamPath;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link StreamDirectory} held in memory for tests: the test names live nodes and which node holds which stream,
 * moves streams, and makes every lookup fail as Redis being down would. Counts lookups. Thread-safe.
 */
public final class InMemoryDirectory implements StreamDirectory {
    private final NodeInfo self;
    private final Map<String, NodeInfo> liveNodes = new LinkedHashMap<>();
    private final Map<StreamPath, String> entries = new LinkedHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private String down;

    public InMemoryDirectory(NodeInfo self) {
        this.self = self;
        liveNodes.put(self.id(), self);
    }

    /** A node of {@code role} reached at {@code http://address:httpPort} and {@code rtmp://address:rtmpPort}. */
    public static NodeInfo node(String id, ClusterRole role, String address, int httpPort, int rtmpPort) {
        return new NodeInfo(id, role, "http://" + address + ":" + httpPort, "rtmp://" + address + ":" + rtmpPort, 0);
    }

    /** {@code node} is live (its heartbeat is current). */
    public synchronized InMemoryDirectory live(NodeInfo node) {
        liveNodes.put(node.id(), node);
        return this;
    }

    /** {@code nodeId}'s heartbeat expired: its entries no longer name a live holder. */
    public synchronized InMemoryDirectory dead(String nodeId) {
        liveNodes.remove(nodeId);
        return this;
    }

    /** The directory names {@code nodeId} for {@code path}. */
    public synchronized InMemoryDirectory put(String path, String nodeId) {
        entries.put(StreamPath.parse(path), nodeId);
        return this;
    }

    public synchronized InMemoryDirectory remove(String path) {
        entries.remove(StreamPath.parse(path));
        return this;
    }

    /** Every call fails with {@code reason} (null: answers again). */
    public synchronized InMemoryDirectory down(String reason) {
        this.down = reason;
        return this;
    }

    /** How many times {@link #holderOf} was asked. */
    public int lookups() {
        return lookups.get();
    }

    @Override
    public NodeInfo self() {
        return self;
    }

    @Override
    public synchronized Optional<NodeInfo> holderOf(StreamPath path) {
        lookups.incrementAndGet();
        requireUp();
        String id = entries.get(path);
        return Optional.ofNullable(id == null ? null : liveNodes.get(id));
    }

    @Override
    public synchronized List<NodeInfo> nodes() {
        requireUp();
        return List.copyOf(liveNodes.values());
    }

    @Override
    public synchronized Map<StreamPath, String> streams() {
        requireUp();
        return Map.copyOf(entries);
    }

    @Override
    public synchronized DirectoryStatus status() {
        return new DirectoryStatus(down == null, 0, down == null ? "" : down, 0);
    }

    private void requireUp() {
        if (down != null) {
            throw new DirectoryUnavailableException(down);
        }
    }
}
