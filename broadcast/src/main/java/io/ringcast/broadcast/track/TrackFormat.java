package io.ringcast.broadcast.track;

import io.ringcast.broadcast.media.CodecConfiguration;
import io.ringcast.broadcast.media.MediaFormatException;
import io.ringcast.broadcast.media.aac.AudioSpecificConfig;
import io.ringcast.broadcast.media.av1.Av1CodecConfigurationRecord;
import io.ringcast.broadcast.media.avc.AvcDecoderConfigurationRecord;
import io.ringcast.broadcast.media.hevc.HevcDecoderConfigurationRecord;
import io.ringcast.broadcast.media.vp9.VpCodecConfigurationRecord;
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
 *                       {@link HevcDecoderConfigurationRecord} for HEVC, {@link Av1CodecConfigurationRecord} for
 *                       AV1, {@link VpCodecConfigurationRecord} for VP9, {@link AudioSpecificConfig} for AAC), null
 *                       when the codec has none or it did not parse
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

    /** The HEVC configuration record, or null when the codec is not HEVC or the record did not parse. */
    public HevcDecoderConfigurationRecord hevcConfig() {
        return configuration instanceof HevcDecoderConfigurationRecord hevc ? hevc : null;
    }

    /** The AV1 configuration record, or null when the codec is not AV1 or the record did not parse. */
    public Av1CodecConfigurationRecord av1Config() {
        return configuration instanceof Av1CodecConfigurationRecord av1 ? av1 : null;
    }

    /** The VP9 configuration record, or null when the codec is not VP9 or the record did not parse. */
    public VpCodecConfigurationRecord vp9Config() {
        return configuration instanceof VpCodecConfigurationRecord vp9 ? vp9 : null;
    }

    /**
     * The configuration record exactly as the sequence header carries it, without its codec framing: the payload of
     * an avcC, hvcC, av1C or vpcC box, an AudioSpecificConfig; a copy, empty when there is none.
     */
    public byte[] configurationRecord() {
        return Arrays.copyOfRange(sequenceHeader, headerLength, sequenceHeader.length);
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
                case HEVC -> HevcDecoderConfigurationRecord.parse(buffer, headerLength, length);
                case AV1 -> Av1CodecConfigurationRecord.parse(buffer, headerLength, length);
                case VP9 -> VpCodecConfigurationRecord.parse(buffer, headerLength, length);
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
