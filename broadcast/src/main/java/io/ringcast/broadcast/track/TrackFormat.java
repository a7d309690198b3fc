package io.ringcast.broadcast.track;

import java.util.Arrays;

/**
 * Immutable snapshot of a track's current codec configuration: the sequence header frame exactly as published and
 * the facts ingest parsed out of it. Replaced, never mutated, when the publisher sends a new one.
 *
 * @param codec          the track's codec
 * @param sequenceHeader the sequence header payload (codec framing included); shared, so callers must never
 *                       modify it (it is handed to every joining viewer without a copy); empty when the codec
 *                       has no configuration to send (MP3)
 * @param headerLength   bytes of codec framing in front of the configuration record
 * @param width          video width in pixels, 0 when unknown or audio
 * @param height         video height in pixels, 0 when unknown or audio
 * @param sampleRateHz   audio sample rate, 0 when unknown or video
 * @param channels       audio channel count, 0 when unknown or video
 */
public record TrackFormat(Codec codec, byte[] sequenceHeader, int headerLength, int width, int height,
                          int sampleRateHz, int channels) {
    public TrackFormat {
        if (headerLength < 0 || headerLength > sequenceHeader.length) {
            throw new IllegalArgumentException("headerLength " + headerLength + " outside sequence header of "
                    + sequenceHeader.length + " bytes");
        }
    }

    /** Whether there is a configuration record to send joiners (AVC, AAC); false for MP3 and the like. */
    public boolean hasSequenceHeader() {
        return sequenceHeader.length > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrackFormat f && codec == f.codec && headerLength == f.headerLength
                && Arrays.equals(sequenceHeader, f.sequenceHeader);
    }

    @Override
    public int hashCode() {
        return 31 * codec.hashCode() + Arrays.hashCode(sequenceHeader);
    }

    @Override
    public String toString() {
        return "TrackFormat[" + codec + " " + width + "x" + height + " " + sampleRateHz + "Hz/" + channels + "ch, "
                + sequenceHeader.length + " bytes]";
    }
}
