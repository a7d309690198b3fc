/**
 * The JSON stats API over the engine's streams, subscribers, relays and latency histograms, and livego's
 * {@code /stat/livestat} in its own shape.
 */
package io.ringcast.web.stats;
