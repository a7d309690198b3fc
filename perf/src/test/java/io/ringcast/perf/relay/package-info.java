/**
 * Relay tests with real peers: ringcast server processes on 127.0.0.x as origins, edges and proxies, nginx-rtmp as
 * origin and push target, ffmpeg publishing and ffprobe decoding, HTTP-FLV watchers that time every frame.
 */
package io.ringcast.perf.relay;
