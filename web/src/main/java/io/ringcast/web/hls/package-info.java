/** The HLS servlet: parses playlist and segment requests and serves them from the engine's HLS streams. */
package io.ringcast.web.hls;
