package io.ringcast.ingest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * How a node of the cluster marks the requests it sends to pull a stream from another node: the query parameter
 * {@code ringcast_node=<its node id>} on the HTTP-FLV or RTMP URL. A node answers a marked request from the streams
 * it holds and never demands the stream from an on-demand source in turn (not found when it does not hold it), so
 * stale directory entries cannot build chains or loops of pulls. Immutable helpers.
 */
public final class ClusterPullMark {
    /** The query parameter; its value names the pulling node (for logs). */
    public static final String PARAMETER = "ringcast_node";

    private ClusterPullMark() {
    }

    /** {@code url} (without a query) marked as pulled by node {@code nodeId}. */
    public static String mark(String url, String nodeId) {
        return url + (url.indexOf('?') < 0 ? "?" : "&") + PARAMETER + "="
                + URLEncoder.encode(nodeId, StandardCharsets.UTF_8);
    }

    /** Whether a request's query parameters carry the mark. */
    public static boolean isMarked(Map<String, String> query) {
        return query.containsKey(PARAMETER);
    }
}
