/**
 * The load generator's RTMP publisher: sends a prepared plan in real time on its own thread, as an encoder
 * would.
 */
package io.ringcast.perf.load.publish;
