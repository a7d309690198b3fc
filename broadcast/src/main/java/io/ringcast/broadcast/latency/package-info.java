/**
 * Server-added latency per stream and protocol: wait-free HdrHistogram recording by egress threads, sampled once per
 * period by the housekeeping thread and handed to interval listeners (e.g. latency log writers).
 */
package io.ringcast.broadcast.latency;
