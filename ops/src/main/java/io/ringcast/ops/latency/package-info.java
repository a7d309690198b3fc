/**
 * Latency reports from the server's HdrHistogram interval logs: reading and aggregating logs (streamed, one pass),
 * and rendering the result as self-contained HTML and CSV. The aggregation and rendering also take in-memory
 * histograms, so a server page can show the same report.
 */
package io.ringcast.ops.latency;
