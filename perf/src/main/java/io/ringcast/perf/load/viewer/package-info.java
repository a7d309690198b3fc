/**
 * The load generator's viewers: non-blocking HTTP-FLV and RTMP connections owned by selector threads, grouped by
 * protocol and mode, each frame identified and its latency recorded within the measured window.
 */
package io.ringcast.perf.load.viewer;
