/**
 * Viewers: subscriptions that read track rings with their own cursors (never gating the publisher), the slow-viewer
 * lag policy, and the egress worker threads that move frames to each viewer's protocol sink.
 */
package io.ringcast.broadcast.subscribe;
