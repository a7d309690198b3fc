/**
 * The RTMP server: the listener and its accept backoff, one ingest thread per connection (handshake, chunk
 * decoding, message dispatch), and the shared player loops that write to playing connections without blocking.
 */
package io.ringcast.ingest.server;
