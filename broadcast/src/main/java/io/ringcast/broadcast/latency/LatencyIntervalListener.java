package io.ringcast.broadcast.latency;

import io.ringcast.broadcast.stream.StreamPath;
import org.HdrHistogram.Histogram;

/**
 * Receives every sampled latency interval, per stream and protocol (e.g. to write HdrHistogram interval logs).
 * Called on the engine's housekeeping thread once per sampling period; keep it short (buffered file writes are fine).
 */
@FunctionalInterface
public interface LatencyIntervalListener {
    /**
     * @param interval the interval's histogram in nanoseconds, its start and end timestamps (epoch ms) set; reused
     *                 after the call (copy or add it to keep it)
     */
    void onInterval(StreamPath stream, String protocol, Histogram interval);
}
