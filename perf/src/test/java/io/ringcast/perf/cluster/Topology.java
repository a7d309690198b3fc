package io.ringcast.perf.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A cluster on namespace hosts, built and torn down by the test thread (one per test class): Redis on
 * {@code redis} (10.77.0.2), origins {@code o1, o2...} (10.77.0.11...), edges {@code e1, e2...} (10.77.0.21...),
 * encoders on {@code enc} (.31) and {@code enc2} (.32), ffmpeg viewers on {@code view} (.41); Java viewers run in the
 * test JVM and reach the hosts over the bridge (10.77.0.1). {@link #close} kills every process it started and
 * removes the namespaces, also when a start failed half way.
 */
final class Topology implements AutoCloseable {
    static final String REDIS = "redis";
    static final String ENCODER = "enc";
    static final String BACKUP_ENCODER = "enc2";
    static final String VIEWER = "view";

    private final Path folder;
    private RedisNode redis;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<String> origins = new ArrayList<>();
    private final List<String> edges = new ArrayList<>();
    private final List<Encoder> encoders = new ArrayList<>();
    private final List<Watcher> watchers = new ArrayList<>();

    private final Builder builder;

    private Topology(Builder builder) {
        this.folder = builder.folder;
        this.builder = builder;
    }

    /** What to start; {@link #start} creates the hosts, then Redis, origins and edges in that order. */
    static final class Builder {
        private final Path folder;
        private boolean redis;
        private int origins;
        private int edges;
        private boolean cluster;
        private UnaryOperator<NodeConfig> originConfig = UnaryOperator.identity();
        private UnaryOperator<NodeConfig> edgeConfig = UnaryOperator.identity();

        private Builder(Path folder) {
            this.folder = folder;
        }

        /** Redis, and every node in the cluster ({@code [cluster]} with the directory there). */
        Builder cluster() {
            redis = true;
            cluster = true;
            return this;
        }

        Builder origins(int count) {
            origins = count;
            return this;
        }

        Builder edges(int count) {
            edges = count;
            return this;
        }

        /** Adds to every origin's configuration. */
        Builder originConfig(UnaryOperator<NodeConfig> more) {
            originConfig = more;
            return this;
        }

        /** Adds to every edge's configuration. */
        Builder edgeConfig(UnaryOperator<NodeConfig> more) {
            edgeConfig = more;
            return this;
        }

        /** Edges without the directory: a {@code [[pull]]} rule pulls {@code live/*} on demand from origin 1. */
        Builder edgesPullFromOrigin1() {
            return edgeConfig(c -> c.arrayTables("[[pull]]\nmatch = \"live/*\"\nfrom = [\"rtmp://"
                    + Netns.address(11) + ":1935/live/{name}\"]\non_demand = true\n"));
        }

        Topology start() {
            Netns.assumeAvailable();
            Netns.down();
            Topology topology = new Topology(this);
            try {
                List<String> hosts = new ArrayList<>(List.of(REDIS + ":2", ENCODER + ":31", BACKUP_ENCODER + ":32",
                        VIEWER + ":41"));
                for (int i = 1; i <= origins; i++) {
                    hosts.add("o" + i + ":" + (10 + i));
                }
                for (int i = 1; i <= edges; i++) {
                    hosts.add("e" + i + ":" + (20 + i));
                }
                Netns.up(hosts);
                if (redis) {
                    topology.redis = RedisNode.start(REDIS, Netns.address(2), folder);
                }
                for (int i = 1; i <= origins; i++) {
                    topology.startNode("o" + i, 10 + i, "origin", originConfig);
                    topology.origins.add("o" + i);
                }
                for (int i = 1; i <= edges; i++) {
                    topology.startNode("e" + i, 20 + i, "edge", edgeConfig);
                    topology.edges.add("e" + i);
                }
                return topology;
            } catch (RuntimeException | AssertionError e) {
                String logs = topology.logTails();
                topology.close();
                org.junit.jupiter.api.Assumptions.assumeFalse(String.valueOf(e.getMessage())
                                .contains("unknown section [cluster]"),
                        "this build has no [cluster] section yet (the directory branch has not landed)");
                throw new AssertionError("the topology did not start: " + e.getMessage() + "\n" + logs, e);
            }
        }

        private NodeConfig config(String host, int n, String role, UnaryOperator<NodeConfig> more) {
            NodeConfig config = new NodeConfig(Netns.address(n));
            if (cluster) {
                config.cluster(host, role, "redis://" + Netns.address(2) + ":" + RedisNode.PORT);
            }
            return more.apply(config);
        }
    }

    /** A topology whose logs and configs go below {@code folder}. */
    static Builder in(Path folder) {
        return new Builder(folder);
    }

    private void startNode(String host, int n, String role, UnaryOperator<NodeConfig> more) {
        nodes.put(host, Node.start(host, Netns.address(n), builder.config(host, n, role, more), folder));
    }

    Node origin(int i) {
        return nodes.get("o" + i);
    }

    Node edge(int i) {
        return nodes.get("e" + i);
    }

    List<Node> edges() {
        return edges.stream().map(nodes::get).toList();
    }

    List<Node> origins() {
        return origins.stream().map(nodes::get).toList();
    }

    RedisNode redis() {
        return redis;
    }

    Path folder() {
        return folder;
    }

    /** An encoder loop on host {@code enc} over the URLs; stopped by {@link #close}. */
    Encoder encoder(String name, List<String> urls) {
        return encoder(name, ENCODER, urls);
    }

    Encoder encoder(String name, String host, List<String> urls) {
        Encoder encoder = Encoder.start(name, host, urls, folder);
        encoders.add(encoder);
        return encoder;
    }

    /** A Java HTTP-FLV viewer of {@code target} at {@code node}; closed by {@link #close}. */
    Watcher watch(Node node, String target) {
        Watcher watcher = Watcher.start(node.address(), NodeConfig.HTTP_PORT, target);
        watchers.add(watcher);
        return watcher;
    }

    /** Every process's log end, for a failure message. */
    String logTails() {
        StringBuilder text = new StringBuilder();
        encoders.forEach(e -> text.append(e.logTail()).append('\n'));
        nodes.values().forEach(n -> text.append(n.logTail()).append('\n'));
        if (redis != null) {
            text.append(redis.logTail()).append('\n');
        }
        return text.toString();
    }

    @Override
    public void close() {
        watchers.forEach(Watcher::close);
        encoders.forEach(Encoder::close);
        nodes.values().forEach(Node::close);
        if (redis != null) {
            redis.close();
        }
        Netns.down();
    }
}
