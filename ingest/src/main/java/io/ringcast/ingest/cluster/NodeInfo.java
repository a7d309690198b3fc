package io.ringcast.ingest.cluster;

import io.ringcast.broadcast.stream.StreamPath;

/**
 * One node as its heartbeat in the directory describes it.
 *
 * @param id               {@code [cluster] node_id}
 * @param role             its role
 * @param httpUrl          how other nodes reach its HTTP listener, e.g. {@code http://10.77.0.11:8080} (no trailing /)
 * @param rtmpUrl          how other nodes reach its RTMP listener, e.g. {@code rtmp://10.77.0.11:1935}
 * @param heartbeatEpochMs wall-clock time of its last heartbeat
 */
public record NodeInfo(String id, ClusterRole role, String httpUrl, String rtmpUrl, long heartbeatEpochMs) {
    /** The HTTP-FLV URL of {@code path} on this node. */
    public String httpFlvUrlOf(StreamPath path) {
        return httpUrl + "/" + path.app() + "/" + path.name() + ".flv";
    }

    /** The RTMP URL of {@code path} on this node. */
    public String rtmpUrlOf(StreamPath path) {
        return rtmpUrl + "/" + path.app() + "/" + path.name();
    }
}
