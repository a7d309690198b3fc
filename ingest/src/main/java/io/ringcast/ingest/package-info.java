/** RTMP ingest: handshake, chunk stream, AMF0 and FLV tag parsing, publishing into the engine. */
package io.ringcast.ingest;
