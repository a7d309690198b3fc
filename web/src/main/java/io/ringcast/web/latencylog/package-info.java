/**
 * Interval logs of server-added latency: per stream and protocol, HdrHistogram log format, one file per UTC day.
 * Written for ops (module ops reads them); the server reads them back only to answer the report endpoint
 * ({@link io.ringcast.web.latencylog.LatencyReportServlet}).
 */
package io.ringcast.web.latencylog;
