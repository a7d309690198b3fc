/** The JSON stats API over the engine's streams, subscribers and latency histograms. */
package io.ringcast.web.stats;
