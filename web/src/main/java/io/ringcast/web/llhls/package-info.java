/**
 * Low-Latency HLS over HTTP: {@link io.ringcast.web.llhls.LlHlsServlet} answers {@code /llhls/app/name.m3u8} with
 * blocking playlist reload ({@code _HLS_msn}, {@code _HLS_part}), init segments, segments and parts (a part being
 * written streams as it grows, {@link io.ringcast.web.llhls.PartStreamer}); every wait is an async cycle, no thread.
 */
package io.ringcast.web.llhls;
