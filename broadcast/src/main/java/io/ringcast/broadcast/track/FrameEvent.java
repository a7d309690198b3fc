package io.ringcast.broadcast.track;

/**
 * One preallocated ring slot describing a frame; the payload bytes live in the track's payload ring.
 *
 * <p>Written only by the track's producer thread between claim and publish; read by subscribers, who must validate
 * what they read (see {@link TrackRing#isSlotValid}). The payload is the frame as the ingest protocol carried it:
 * {@code headerLength} bytes of codec framing, then the elementary stream data.
 */
public final class FrameEvent {
    Codec codec;
    boolean keyframe;
    boolean sequenceHeader;
    long timestampMs;
    int compositionTimeMs;
    long ingestNanos;
    long order;
    long payloadPosition;
    int payloadLength;
    int headerLength;
    int session;
    TrackFormat format;

    public Codec codec() {
        return codec;
    }

    public boolean isKeyframe() {
        return keyframe;
    }

    /** True for codec configuration (AVC decoder configuration record, AAC AudioSpecificConfig). */
    public boolean isSequenceHeader() {
        return sequenceHeader;
    }

    /** Decode timestamp in milliseconds, rebased so that it never goes back within a stream. */
    public long timestampMs() {
        return timestampMs;
    }

    /** Presentation minus decode time, milliseconds (H.264 B-frames). */
    public int compositionTimeMs() {
        return compositionTimeMs;
    }

    /**
     * When the frame's last byte was read off the publisher's socket, on the engine's monotonic clock
     * ({@link io.ringcast.broadcast.stream.Stream#clock()}).
     */
    public long ingestNanos() {
        return ingestNanos;
    }

    /** Stream-wide publish order across tracks; lets subscribers interleave tracks as they arrived. */
    public long order() {
        return order;
    }

    /** Monotonic byte position of the payload in the track's payload ring. */
    public long payloadPosition() {
        return payloadPosition;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /** Bytes of codec framing in front of the elementary stream data (5 for AVC in FLV, 2 for AAC, ...). */
    public int headerLength() {
        return headerLength;
    }

    /** Publisher session that produced the frame; it changes when a publisher (re)connects. */
    public int session() {
        return session;
    }

    /** Copies all descriptor fields from another slot; used by subscribers to snapshot a slot before validation. */
    /**
     * For a sequence header, the track's format it carries, with the configuration record parsed once by the
     * producer (see {@link TrackFormat#configuration()}); null for every other frame.
     */
    public TrackFormat format() {
        return format;
    }

    public void copyFrom(FrameEvent other) {
        codec = other.codec;
        keyframe = other.keyframe;
        sequenceHeader = other.sequenceHeader;
        timestampMs = other.timestampMs;
        compositionTimeMs = other.compositionTimeMs;
        ingestNanos = other.ingestNanos;
        order = other.order;
        payloadPosition = other.payloadPosition;
        payloadLength = other.payloadLength;
        headerLength = other.headerLength;
        session = other.session;
        format = other.format;
    }
}
