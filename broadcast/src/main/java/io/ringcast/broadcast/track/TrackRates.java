package io.ringcast.broadcast.track;

/**
 * Bitrate and frame rate of a track over the last sampling period, computed from its ring's counters.
 * {@link #sample} is called by the housekeeping thread; the getters from any thread.
 */
public final class TrackRates {
    private long lastNs;
    private long lastBytes;
    private long lastFrames;
    private volatile double bitsPerSecond;
    private volatile double framesPerSecond;

    /** Updates the rates from the ring's totals at {@code nowNs}. */
    public synchronized void sample(TrackRing ring, long nowNs) {
        long bytes = ring.bytesPublished();
        long frames = ring.framesPublished();
        if (lastNs != 0 && nowNs > lastNs) {
            double seconds = (nowNs - lastNs) / 1e9;
            bitsPerSecond = (bytes - lastBytes) * 8 / seconds;
            framesPerSecond = (frames - lastFrames) / seconds;
        }
        lastNs = nowNs;
        lastBytes = bytes;
        lastFrames = frames;
    }

    public double bitsPerSecond() {
        return bitsPerSecond;
    }

    public double framesPerSecond() {
        return framesPerSecond;
    }
}
