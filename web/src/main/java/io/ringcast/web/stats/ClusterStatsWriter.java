package io.ringcast.web.stats;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ingest.cluster.DirectoryStatus;
import io.ringcast.ingest.cluster.DirectoryUnavailableException;
import io.ringcast.ingest.cluster.NodeInfo;
import io.ringcast.ingest.cluster.StreamDirectory;
import io.ringcast.ingest.relay.RelayView;
import io.ringcast.ingest.relay.Relays;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the cluster as the stats API shows it: {@code /api/cluster} (this node, the directory's state, every live
 * node with its streams, this node's pulls from other nodes) and the {@code cluster} block of {@code /api/server}.
 * With no cluster configured, {@code {"enabled": false}} and nothing else. The directory's lookups block at most
 * {@code redis_timeout_ms}; while Redis is down the node list is empty and {@code directory.up} false. Stateless;
 * request threads.
 */
public final class ClusterStatsWriter {
    private ClusterStatsWriter() {
    }

    /** {@code /api/cluster}. */
    public static void writeCluster(JsonGenerator json, StreamDirectory directory, Relays relays)
            throws IOException {
        json.writeStartObject();
        json.writeBooleanField("enabled", directory != null);
        if (directory == null) {
            json.writeEndObject();
            return;
        }
        List<NodeInfo> nodes;
        Map<StreamPath, String> streams;
        try {
            nodes = directory.nodes();
            streams = directory.streams();
        } catch (DirectoryUnavailableException e) {
            nodes = List.of();
            streams = Map.of();
        }
        NodeInfo self = directory.self();
        json.writeObjectFieldStart("self");
        json.writeStringField("id", self.id());
        json.writeStringField("role", roleName(self));
        json.writeStringField("http", self.httpUrl());
        json.writeStringField("rtmp", self.rtmpUrl());
        json.writeEndObject();
        json.writeFieldName("directory");
        writeDirectory(json, directory);
        Map<String, List<String>> streamsByNode = new TreeMap<>();
        streams.forEach((path, node) -> streamsByNode.computeIfAbsent(node, n -> new ArrayList<>())
                .add(path.toString()));
        json.writeArrayFieldStart("nodes");
        for (NodeInfo node : nodes) {
            json.writeStartObject();
            json.writeStringField("id", node.id());
            json.writeStringField("role", roleName(node));
            json.writeStringField("http", node.httpUrl());
            json.writeStringField("rtmp", node.rtmpUrl());
            json.writeNumberField("heartbeatEpochMs", node.heartbeatEpochMs());
            json.writeArrayFieldStart("streams");
            for (String path : streamsByNode.getOrDefault(node.id(), List.of())) {
                json.writeString(path);
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
        List<RelayView> upstreams = new ArrayList<>();
        if (relays != null) {
            for (RelayView relay : relays.relays()) {
                if (StreamDirectory.RELAY_ORIGIN.equals(relay.origin())) {
                    upstreams.add(relay);
                }
            }
        }
        json.writeFieldName("upstreams");
        RelayViewWriter.writeArray(json, upstreams);
        json.writeEndObject();
    }

    /** The {@code cluster} block of {@code /api/server} (its field name written by the caller); never blocks. */
    public static void writeServerBlock(JsonGenerator json, StreamDirectory directory) throws IOException {
        json.writeStartObject();
        json.writeBooleanField("enabled", directory != null);
        if (directory != null) {
            NodeInfo self = directory.self();
            json.writeStringField("nodeId", self.id());
            json.writeStringField("role", roleName(self));
            json.writeFieldName("directory");
            writeDirectory(json, directory);
        }
        json.writeEndObject();
    }

    /**
     * {@code {"up", "sinceEpochMs", "lastError", "pendingRegistrations", "conflicts": [{"path", "node"}]}}; the
     * conflicts are streams published here whose entry names another node.
     */
    private static void writeDirectory(JsonGenerator json, StreamDirectory directory) throws IOException {
        DirectoryStatus status = directory.status();
        json.writeStartObject();
        json.writeBooleanField("up", status.up());
        json.writeNumberField("sinceEpochMs", status.sinceEpochMs());
        json.writeStringField("lastError", status.lastError());
        json.writeNumberField("pendingRegistrations", status.pendingRegistrations());
        json.writeArrayFieldStart("conflicts");
        for (Map.Entry<StreamPath, String> conflict : directory.conflicts().entrySet()) {
            json.writeStartObject();
            json.writeStringField("path", conflict.getKey().toString());
            json.writeStringField("node", conflict.getValue());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static String roleName(NodeInfo node) {
        return node.role().name().toLowerCase(Locale.ROOT);
    }
}
