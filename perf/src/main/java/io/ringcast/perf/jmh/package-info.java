/**
 * JMH benchmarks of the per-frame paths (ring fan-out, RTMP chunk decoding and play framing, HTTP-FLV framing,
 * MPEG-TS muxing), run with {@code perf/jmh} and its allocation profiler.
 */
package io.ringcast.perf.jmh;
