/**
 * Upstream clients: connections this server opens to other servers to pull a stream in (RTMP play, HTTP-FLV GET)
 * or push one out (RTMP publish). They feed the engine through the same media ingest a publisher does.
 */
package io.ringcast.ingest.upstream;
