/**
 * The load generator's HTTP-FLV client side: URLs, response heads, chunked transfer decoding and a live FLV stream
 * parser, all incremental over bytes arriving in any pieces; independent of the server's own parsers.
 */
package io.ringcast.perf.load.flv;
