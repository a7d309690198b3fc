package io.ringcast.broadcast.hls;

import io.ringcast.broadcast.latency.LatencyStats;

/**
 * Counters and segment availability latency of one stream's HLS packaging. Written only by the segmenter thread
 * (single writer, so plain volatile increments are exact); read by stats threads.
 *
 * <p>Availability latency is the time from the ingest of a segment's first frame to the segment's publication:
 * what a player that fetches the newest segment the moment it appears waits at least, before buffering.
 */
public final class HlsStats {
    /** Protocol name of the availability latency histogram. */
    public static final String PROTOCOL = "hls-segment";

    private final LatencyStats availability;
    private volatile long lastAvailabilityLatencyNs = -1;
    private volatile long segmentsPublished;
    private volatile long framesMuxed;
    private volatile long framesIgnored;
    private volatile long framesDropped;
    private volatile long framesMalformed;

    /** Counters with their own availability histogram (tests, tools). */
    public HlsStats() {
        this(new LatencyStats(PROTOCOL));
    }

    /** Counters recording availability into the given histogram, e.g. the engine stream's, which the engine samples. */
    public HlsStats(LatencyStats availability) {
        this.availability = availability;
    }

    void onSegment(long availabilityLatencyNs) {
        lastAvailabilityLatencyNs = availabilityLatencyNs;
        availability.record(availabilityLatencyNs);
        segmentsPublished++;
    }

    void onMuxed() {
        framesMuxed++;
    }

    void onIgnored() {
        framesIgnored++;
    }

    void onDropped() {
        framesDropped++;
    }

    void onMalformed() {
        framesMalformed++;
    }

    /** Availability latency histogram (HdrHistogram Recorder behind it); sample it from one housekeeping thread. */
    public LatencyStats availability() {
        return availability;
    }

    /** Availability latency of the newest segment, or -1 before the first. */
    public long lastAvailabilityLatencyNs() {
        return lastAvailabilityLatencyNs;
    }

    public long segmentsPublished() {
        return segmentsPublished;
    }

    /** Frames written into segments. */
    public long framesMuxed() {
        return framesMuxed;
    }

    /** Frames of codecs HLS does not carry here (HEVC, MP3, others). */
    public long framesIgnored() {
        return framesIgnored;
    }

    /** Frames before their codec configuration or before the first keyframe of the stream. */
    public long framesDropped() {
        return framesDropped;
    }

    /** Frames or sequence headers whose codec data could not be parsed. */
    public long framesMalformed() {
        return framesMalformed;
    }
}
