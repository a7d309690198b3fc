/**
 * HLS output (RFC 8216): an MPEG-TS muxer (ISO 13818-1) for H.264 + AAC, a segmenter fed by one engine thread,
 * immutable published windows of segments for servlet threads, playlists, and the servlet that serves them.
 */
package io.ringcast.web.hls;
