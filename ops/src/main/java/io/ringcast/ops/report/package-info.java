/**
 * Latency reports from the server's HdrHistogram interval logs: their file names, reading and aggregating them
 * (one decoding pass spread over threads), and rendering the result as self-contained HTML and CSV. Used by the
 * server's {@code /ops/latency} page and the {@code latency-report} command; the aggregation also takes in-memory
 * histograms.
 */
package io.ringcast.ops.report;
