/**
 * Interval logs of server-added latency: per stream and protocol, HdrHistogram log format, one file per UTC day.
 * Written for ops (module ops reads them); the server never reads them back.
 */
package io.ringcast.web.latencylog;
