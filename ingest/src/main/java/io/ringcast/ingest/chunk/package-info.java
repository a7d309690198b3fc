/**
 * RTMP chunk stream demultiplexing and multiplexing (Adobe RTMP specification 5.3) and the protocol control
 * messages (5.4) and user control events (6.2) that travel on it, with no socket.
 */
package io.ringcast.ingest.chunk;
