package io.ringcast.broadcast.stream;

/**
 * One subscriber of a stream as its {@link Stream#subscribers()} lists it, for stats: its protocol and what it was
 * sent. The byte counts are written by the subscriber's single egress thread and read here racily (a reader may
 * see a value a few frames old, never a torn one on a 64-bit JVM); the rates are sampled by the engine's
 * housekeeping thread through {@link #sampleRates}.
 */
public interface SubscriberStats {
    /** The protocol it is counted under, e.g. "httpflv", "rtmp". */
    String protocol();

    /** Video payload bytes handed to its sink (FLV tag bodies: the codec header and the frame). */
    long videoBytesSent();

    /** Audio payload bytes handed to its sink. */
    long audioBytesSent();

    /** Frames (audio and video) handed to its sink; 0 for subscribers that do not count them. */
    default long framesSent() {
        return 0;
    }

    /** Video bits per second over the last sampling period (0 before the second sample). */
    double videoBitsPerSecond();

    /** Audio bits per second over the last sampling period (0 before the second sample). */
    double audioBitsPerSecond();

    /** Updates the rates from the byte counts at {@code nowNs}; the housekeeping thread, about once a second. */
    void sampleRates(long nowNs);
}
