package io.ringcast.broadcast.subscribe;

/**
 * Video and audio bitrates of one subscription over the last sampling period, computed from its byte counts.
 * {@link #sample} is called by the engine's housekeeping thread; the getters from any thread.
 */
final class SentRates {
    private static final double NANOS_PER_SECOND = 1e9;
    private static final int BITS_PER_BYTE = 8;

    private long lastNs;
    private long lastVideoBytes;
    private long lastAudioBytes;
    private volatile double videoBitsPerSecond;
    private volatile double audioBitsPerSecond;

    /** Updates the rates from the totals at {@code nowNs}; the first call only sets the starting point. */
    synchronized void sample(long videoBytes, long audioBytes, long nowNs) {
        if (lastNs != 0 && nowNs > lastNs) {
            double seconds = (nowNs - lastNs) / NANOS_PER_SECOND;
            videoBitsPerSecond = Math.max(0, videoBytes - lastVideoBytes) * BITS_PER_BYTE / seconds;
            audioBitsPerSecond = Math.max(0, audioBytes - lastAudioBytes) * BITS_PER_BYTE / seconds;
        }
        lastNs = nowNs;
        lastVideoBytes = videoBytes;
        lastAudioBytes = audioBytes;
    }

    double videoBitsPerSecond() {
        return videoBitsPerSecond;
    }

    double audioBitsPerSecond() {
        return audioBitsPerSecond;
    }
}
