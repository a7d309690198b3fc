/**
 * {@code GET /metrics}: the server's and every stream's counters, gauges and latency histograms in the Prometheus
 * text format or OpenMetrics ({@code [metrics]}), collected from the engine's own counters at scrape time.
 */
package io.ringcast.web.metrics;
