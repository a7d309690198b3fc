/**
 * Writing the interval logs of server-added latency: per stream and protocol, HdrHistogram log format, one file per
 * UTC day, as the engine plugin {@code [latency_log]}. The report library ({@link io.ringcast.ops.report}) reads them
 * back, for the {@code latency-report} command and for the server's {@code /ops/latency} page.
 */
package io.ringcast.ops.latencylog;
