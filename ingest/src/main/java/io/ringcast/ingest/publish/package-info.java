/**
 * The publishing side of an RTMP connection: audio and video messages into the stream's track rings, sequence
 * headers into track formats, onMetaData into stream metadata, and the takeover of a stale publisher.
 */
package io.ringcast.ingest.publish;
