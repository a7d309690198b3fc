/**
 * The load generator's RTMP client side: URLs, the client handshake, the session after it (using ingest's chunk
 * codec) and the commands a publisher and a player send.
 */
package io.ringcast.perf.load.rtmp;
