package io.ringcast.ingest.server;

import java.util.List;

/**
 * Names of the RTMP server's counters in the engine's {@link io.ringcast.broadcast.ServerCounters}, which
 * {@code GET /api/server} shows: one per refusal at accept and per reason a connection was closed.
 */
final class RtmpCounters {
    /** Refused at accept: {@code max_connections} connections are served. */
    static final String REFUSED_MAX_CONNECTIONS = "rtmp.refused.max_connections";
    /** Refused at accept: the remote address holds {@code max_connections_per_ip} connections. */
    static final String REFUSED_MAX_CONNECTIONS_PER_IP = "rtmp.refused.max_connections_per_ip";
    /** Closed for breaking the protocol: a message above {@code max_message_bytes}, a chunk size too large. */
    static final String CLOSED_PROTOCOL_VIOLATION = "rtmp.closed.protocol_violation";
    /** Closed because the handshake took longer than {@code handshake_timeout_ms}. */
    static final String CLOSED_HANDSHAKE_TIMEOUT = "rtmp.closed.handshake_timeout";
    /** Closed after {@code idle_timeout_ms} without a byte from the peer (or without the peer taking one). */
    static final String CLOSED_IDLE_TIMEOUT = "rtmp.closed.idle_timeout";

    /** A publisher silent for {@code stale_publisher_ms} was closed because a new publisher took its stream over. */
    static final String CLOSED_PUBLISHER_TAKEN_OVER = "rtmp.closed.publisher_taken_over";

    /** Closed: its partial messages would have passed {@code max_partial_message_bytes_per_connection}. */
    static final String CLOSED_MAX_PARTIAL_MESSAGE_BYTES_PER_CONNECTION =
            "rtmp.closed.max_partial_message_bytes_per_connection";
    /** Closed: its partial messages would have passed what is left of the server-wide max_partial_message_bytes. */
    static final String CLOSED_MAX_PARTIAL_MESSAGE_BYTES = "rtmp.closed.max_partial_message_bytes";
    /**
     * Accepts that failed because the process (EMFILE) or the system (ENFILE) has no file descriptor left; the
     * acceptor then pauses, and the connection waits in the listen backlog.
     */
    static final String REFUSED_FD_EXHAUSTED = "rtmp.refused.fd_exhausted";

    /** Every name above, so that the stats show each at 0 from the start instead of only once it was hit. */
    static final List<String> ALL = List.of(REFUSED_MAX_CONNECTIONS, REFUSED_MAX_CONNECTIONS_PER_IP,
            CLOSED_PROTOCOL_VIOLATION, CLOSED_HANDSHAKE_TIMEOUT, CLOSED_IDLE_TIMEOUT, CLOSED_PUBLISHER_TAKEN_OVER,
            CLOSED_MAX_PARTIAL_MESSAGE_BYTES_PER_CONNECTION, CLOSED_MAX_PARTIAL_MESSAGE_BYTES, REFUSED_FD_EXHAUSTED);

    private RtmpCounters() {
    }
}
