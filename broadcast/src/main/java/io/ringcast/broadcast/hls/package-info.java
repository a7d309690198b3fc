/**
 * HLS muxing (RFC 8216): an MPEG-TS muxer (ISO 13818-1) for H.264 + AAC, a segmenter fed by one engine thread,
 * immutable published windows of segments and playlists for whichever thread serves them; no HTTP here.
 */
package io.ringcast.broadcast.hls;
