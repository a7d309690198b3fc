package io.ringcast.ingest.publish;

import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.media.CodecConfiguration;
import io.ringcast.broadcast.media.MediaFormatException;
import io.ringcast.broadcast.media.aac.AudioSpecificConfig;
import io.ringcast.broadcast.media.avc.AvcDecoderConfigurationRecord;
import io.ringcast.broadcast.media.avc.SpsInfo;
import io.ringcast.broadcast.media.avc.SpsParser;
import io.ringcast.broadcast.media.av1.Av1CodecConfigurationRecord;
import io.ringcast.broadcast.media.av1.Av1SequenceHeader;
import io.ringcast.broadcast.media.hevc.HevcAnnexB;
import io.ringcast.broadcast.media.hevc.HevcDecoderConfigurationRecord;
import io.ringcast.broadcast.media.hevc.HevcSpsInfo;
import io.ringcast.broadcast.media.hevc.HevcSpsParser;
import io.ringcast.broadcast.media.vp9.VpCodecConfigurationRecord;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Turns sequence headers into {@link TrackFormat}s (the configuration record, parsed here once for every packager,
 * plus the facts stats show: size, sample rate, channels), and remembers which codec each track last announced.
 * Owned by the connection's ingest thread; runs only when a codec configuration arrives or changes. Bytes that
 * break a format raise {@link io.ringcast.broadcast.media.MediaFormatException}, except an HEVC SPS this parser
 * cannot read behind a sound record: that leaves the size unknown (0).
 */
final class FormatProbe {
    private static final byte[] NO_CONFIG = new byte[0];

    private final SpsParser spsParser = new SpsParser();
    private final HevcSpsParser hevcSpsParser = new HevcSpsParser();
    private Codec videoCodec;
    private Codec audioCodec;

    void reset() {
        videoCodec = null;
        audioCodec = null;
    }

    /** Whether a frame of {@code codec} arrives without its track having announced that codec yet. */
    boolean needsFormat(Codec codec) {
        return codec.kind() == io.ringcast.broadcast.track.TrackKind.VIDEO ? videoCodec != codec : audioCodec != codec;
    }

    TrackFormat videoFormat(Codec codec, DirectBuffer buffer, int offset, int length, int headerLength) {
        int width = 0;
        int height = 0;
        CodecConfiguration config = null;
        if (codec == Codec.AVC) {
            AvcDecoderConfigurationRecord record =
                    AvcDecoderConfigurationRecord.parse(buffer, offset + headerLength, length - headerLength);
            byte[] firstSps = record.sps(0);
            SpsInfo sps = spsParser.parse(new UnsafeBuffer(firstSps), 0, firstSps.length);
            width = sps.width();
            height = sps.height();
            config = record;
        } else if (codec == Codec.HEVC) {
            HevcDecoderConfigurationRecord record =
                    HevcDecoderConfigurationRecord.parse(buffer, offset + headerLength, length - headerLength);
            HevcSpsInfo sps = hevcSps(record);
            width = sps == null ? 0 : sps.width();
            height = sps == null ? 0 : sps.height();
            config = record;
        } else if (codec == Codec.AV1) {
            Av1CodecConfigurationRecord record =
                    Av1CodecConfigurationRecord.parse(buffer, offset + headerLength, length - headerLength);
            Av1SequenceHeader sequence = record.sequenceHeader();
            width = sequence == null ? 0 : sequence.width();
            height = sequence == null ? 0 : sequence.height();
            config = record;
        } else if (codec == Codec.VP9) {
            config = VpCodecConfigurationRecord.parse(buffer, offset + headerLength, length - headerLength);
        }
        videoCodec = codec;
        return new TrackFormat(codec, copy(buffer, offset, length), headerLength, width, height, 0, 0, config);
    }

    /**
     * The first SPS's facts, or null when it does not parse: the record (what players need) is sound, so the stream
     * goes on with its size unknown rather than losing its publisher over a field only stats would show.
     */
    private HevcSpsInfo hevcSps(HevcDecoderConfigurationRecord record) {
        byte[] firstSps = record.unit(HevcAnnexB.NAL_SPS, 0);
        try {
            return hevcSpsParser.parse(new UnsafeBuffer(firstSps), 0, firstSps.length);
        } catch (MediaFormatException unreadable) {
            return null;
        }
    }

    TrackFormat audioFormat(Codec codec, DirectBuffer buffer, int offset, int length, int headerLength) {
        int sampleRate = 0;
        int channels = 0;
        AudioSpecificConfig asc = null;
        if (codec == Codec.AAC) {
            asc = AudioSpecificConfig.parse(buffer, offset + headerLength, length - headerLength);
            sampleRate = asc.samplingFrequencyHz();
            channels = asc.channelConfiguration();
        }
        audioCodec = codec;
        return new TrackFormat(codec, copy(buffer, offset, length), headerLength, 0, 0, sampleRate, channels, asc);
    }

    /** A format for codecs that carry no sequence header (MP3, ...): nothing to send joiners before frames. */
    TrackFormat formatWithoutConfig(Codec codec, int sampleRateHz, int channels) {
        if (codec.kind() == io.ringcast.broadcast.track.TrackKind.VIDEO) {
            videoCodec = codec;
        } else {
            audioCodec = codec;
        }
        return new TrackFormat(codec, NO_CONFIG, 0, 0, 0, sampleRateHz, channels, null);
    }

    private static byte[] copy(DirectBuffer buffer, int offset, int length) {
        byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }
}
