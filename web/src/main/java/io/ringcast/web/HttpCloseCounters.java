package io.ringcast.web;

import io.ringcast.broadcast.ServerCounters;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP listener's counters in the engine's {@link ServerCounters} ({@code GET /api/server}): one per limit
 * that made the server close a connection. Looked up once at start; incremented from any I/O thread.
 *
 * @param headerTooLarge a request head above {@code max_header_bytes}: answered 400 and closed
 * @param parseTimeout   a request head not complete within {@code request_parse_timeout_ms} (slowloris)
 * @param idleTimeout    {@code idle_timeout_ms} without a request, or without the peer taking a byte
 */
record HttpCloseCounters(AtomicLong headerTooLarge, AtomicLong parseTimeout, AtomicLong idleTimeout) {
    static final String CLOSED_HEADER_TOO_LARGE = "http.closed.header_too_large";
    static final String CLOSED_REQUEST_PARSE_TIMEOUT = "http.closed.request_parse_timeout";
    static final String CLOSED_IDLE_TIMEOUT = "http.closed.idle_timeout";

    static HttpCloseCounters in(ServerCounters counters) {
        return new HttpCloseCounters(counters.counter(CLOSED_HEADER_TOO_LARGE),
                counters.counter(CLOSED_REQUEST_PARSE_TIMEOUT), counters.counter(CLOSED_IDLE_TIMEOUT));
    }
}
