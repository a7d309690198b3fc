package io.ringcast.ingest.cluster;

/**
 * The {@code [cluster]} section; the cluster is on when {@code directory} is set.
 *
 * @param nodeId            unique name of this node ({@code node_id}; default the host name)
 * @param role              {@code role}: origin, edge or both (default both)
 * @param advertiseHttp     {@code advertise}: how other nodes reach this node's HTTP listener, e.g.
 *                          {@code http://10.0.0.1:8080}
 * @param advertiseRtmp     {@code advertise_rtmp}: its RTMP listener; default the advertise host with {@code [rtmp]
 *                          port}
 * @param directory         {@code directory}: {@code redis://[:password@]host:6379[/db]} ("" = no cluster);
 *                          {@code rediss://} for TLS
 * @param entryTtlMs        {@code entry_ttl_ms}: expiry of a stream entry, refreshed every third of it (10000)
 * @param nodeTtlMs         {@code node_ttl_ms}: expiry of a node heartbeat, refreshed every third of it (3000);
 *                          a stream entry whose node's heartbeat expired is taken over at once
 * @param redisTimeoutMs    {@code redis_timeout_ms}: connect and read timeout of each Redis call (500)
 * @param pullOver          {@code pull_over}: how a node pulls from another, "http-flv" (default) or "rtmp"
 * @param keyPrefix         {@code key_prefix}: prefix of the directory's Redis keys ("ringcast:")
 */
public record ClusterConfig(String nodeId, ClusterRole role, String advertiseHttp, String advertiseRtmp,
                            String directory, long entryTtlMs, long nodeTtlMs, long redisTimeoutMs, String pullOver,
                            String keyPrefix) {
    /** Whether a directory is configured (the cluster is on). */
    public boolean enabled() {
        return !directory.isEmpty();
    }
}
