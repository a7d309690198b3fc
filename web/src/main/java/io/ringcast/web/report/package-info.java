/**
 * The latency report page of the running server, {@code /ops/latency} and {@code /ops/latency.csv}: the report
 * library of module ops ({@link io.ringcast.ops.report}) over the {@code [latency_log]} files and the window not
 * logged yet.
 */
package io.ringcast.web.report;
