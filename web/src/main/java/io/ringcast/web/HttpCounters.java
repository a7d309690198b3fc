package io.ringcast.web;

import io.ringcast.broadcast.ServerCounters;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP listener's counters in the engine's {@link ServerCounters} ({@code GET /api/server}): one per limit that
 * made the server refuse or close a connection. Looked up once at start; incremented from any I/O thread.
 *
 * @param refusedMaxConnections      refused at accept with 503: {@code max_connections} were open
 * @param refusedMaxConnectionsPerIp refused at accept with 429: the address held {@code max_connections_per_ip}
 * @param refusedNewConnectionsPerIp refused at accept with 429: the address opened connections faster than
 *                                   {@code new_connections_per_ip_per_second} (after its burst)
 * @param headerTooLarge             a request head above {@code max_header_bytes}: answered 400 and closed
 * @param parseTimeout               a request head not complete within {@code request_parse_timeout_ms} (slowloris)
 * @param idleTimeout                {@code idle_timeout_ms} without a request, or without the peer taking a byte
 * @param writeTimeout               a response without write progress for {@code write_timeout_ms} (the client
 *                                   reads nothing): closed by {@link HttpWriteTimeout}
 */
record HttpCounters(AtomicLong refusedMaxConnections, AtomicLong refusedMaxConnectionsPerIp,
                    AtomicLong refusedNewConnectionsPerIp, AtomicLong headerTooLarge, AtomicLong parseTimeout,
                    AtomicLong idleTimeout, AtomicLong writeTimeout) {
    static final String REFUSED_MAX_CONNECTIONS = "http.refused.max_connections";
    static final String REFUSED_MAX_CONNECTIONS_PER_IP = "http.refused.max_connections_per_ip";
    static final String REFUSED_NEW_CONNECTIONS_PER_IP = "http.refused.new_connections_per_ip";
    static final String CLOSED_HEADER_TOO_LARGE = "http.closed.header_too_large";
    static final String CLOSED_REQUEST_PARSE_TIMEOUT = "http.closed.request_parse_timeout";
    static final String CLOSED_IDLE_TIMEOUT = "http.closed.idle_timeout";
    static final String CLOSED_WRITE_TIMEOUT = "http.closed.write_timeout";

    static HttpCounters in(ServerCounters counters) {
        return new HttpCounters(counters.counter(REFUSED_MAX_CONNECTIONS),
                counters.counter(REFUSED_MAX_CONNECTIONS_PER_IP), counters.counter(REFUSED_NEW_CONNECTIONS_PER_IP),
                counters.counter(CLOSED_HEADER_TOO_LARGE),
                counters.counter(CLOSED_REQUEST_PARSE_TIMEOUT), counters.counter(CLOSED_IDLE_TIMEOUT),
                counters.counter(CLOSED_WRITE_TIMEOUT));
    }
}
