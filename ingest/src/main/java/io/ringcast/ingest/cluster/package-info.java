/**
 * The cluster: this node's role ({@code [cluster]}), the stream directory in Redis (which live node holds which
 * stream, node heartbeats), the publish claim that keeps one stream on one origin, and the on-demand source that
 * pulls a stream from the node holding it.
 */
package io.ringcast.ingest.cluster;
