package io.ringcast.broadcast.track;

import io.ringcast.broadcast.media.CodecConfiguration;
import io.ringcast.broadcast.media.MediaFormatException;
import io.ringcast.broadcast.media.aac.AudioSpecificConfig;
import io.ringcast.broadcast.media.avc.AvcDecoderConfigurationRecord;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Immutable snapshot of a track's current codec configuration: the sequence header frame exactly as published and
 * the facts ingest parsed out of it, once per sequence header on its ingest thread, so that no packager (HLS,
 * recording, stats) parses the record again. Replaced, never mutated, when the publisher sends a new one.
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
 * @param configuration  the parsed configuration record ({@link AvcDecoderConfigurationRecord} for AVC,
 *                       {@link AudioSpecificConfig} for AAC), null when the codec has none or it did not parse
 */
public record TrackFormat(Codec codec, byte[] sequenceHeader, int headerLength, int width, int height,
                          int sampleRateHz, int channels, CodecConfiguration configuration) {
    public TrackFormat {
        if (headerLength < 0 || headerLength > sequenceHeader.length) {
            throw new IllegalArgumentException("headerLength " + headerLength + " outside sequence header of "
                    + sequenceHeader.length + " bytes");
        }
    }

    /**
     * A format whose configuration record is parsed here from {@code sequenceHeader}, for producers that have not
     * parsed it themselves (tests, tools); a record that does not parse leaves {@link #configuration()} null.
     */
    public TrackFormat(Codec codec, byte[] sequenceHeader, int headerLength, int width, int height,
                       int sampleRateHz, int channels) {
        this(codec, sequenceHeader, headerLength, width, height, sampleRateHz, channels,
                parseConfiguration(codec, sequenceHeader, headerLength));
    }

    /** The AVC configuration record, or null when the codec is not AVC or the record did not parse. */
    public AvcDecoderConfigurationRecord avcConfig() {
        return configuration instanceof AvcDecoderConfigurationRecord avc ? avc : null;
    }

    /** The AAC AudioSpecificConfig, or null when the codec is not AAC or the config did not parse. */
    public AudioSpecificConfig aacConfig() {
        return configuration instanceof AudioSpecificConfig aac ? aac : null;
    }

    /** Whether there is a configuration record to send joiners (AVC, AAC); false for MP3 and the like. */
    public boolean hasSequenceHeader() {
        return sequenceHeader.length > 0;
    }

    private static CodecConfiguration parseConfiguration(Codec codec, byte[] sequenceHeader, int headerLength) {
        if (headerLength < 0 || headerLength > sequenceHeader.length) {
            return null; // the canonical constructor refuses it with the reason
        }
        UnsafeBuffer buffer = new UnsafeBuffer(sequenceHeader);
        int length = sequenceHeader.length - headerLength;
        try {
            return switch (codec) {
                case AVC -> AvcDecoderConfigurationRecord.parse(buffer, headerLength, length);
                case AAC -> AudioSpecificConfig.parse(buffer, headerLength, length);
                default -> null;
            };
        } catch (MediaFormatException unusable) {
            return null; // documented outcome: no facts; packagers that need them count the track as malformed
        }
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
