/**
 * Low-Latency HLS (RFC 8216bis) over fragmented MP4 / CMAF: the segmenter that cuts a stream's frames into segments
 * at keyframes and parts of {@code [hls] part_duration_ms} ({@link io.ringcast.broadcast.llhls.LlHlsSegmenter}),
 * the parts that readers stream while they are written ({@link io.ringcast.broadcast.llhls.LlPart}), the immutable
 * window and its playlist, and the per-stream waiting lists that blocking playlist reloads and preload-hinted part
 * requests register in, so that no thread waits. Knows no HTTP: the web module serves it.
 */
package io.ringcast.broadcast.llhls;
