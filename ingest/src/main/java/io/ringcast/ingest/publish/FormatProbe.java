package io.ringcast.ingest.publish;

import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.ingest.flv.AudioSpecificConfig;
import io.ringcast.ingest.flv.AvcDecoderConfigurationRecord;
import io.ringcast.ingest.flv.SpsInfo;
import io.ringcast.ingest.flv.SpsParser;
import org.agrona.DirectBuffer;

/**
 * Turns sequence headers into {@link TrackFormat}s (codec configuration plus the facts stats show: size, sample
 * rate, channels), and remembers which codec each track last announced. Owned by the connection's ingest thread;
 * runs only when a codec configuration arrives or changes.
 */
final class FormatProbe {
    private static final byte[] NO_CONFIG = new byte[0];

    private final AvcDecoderConfigurationRecord avcRecord = new AvcDecoderConfigurationRecord();
    private final SpsParser spsParser = new SpsParser();
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
        if (codec == Codec.AVC) {
            avcRecord.wrap(buffer, offset + headerLength, length - headerLength);
            SpsInfo sps = spsParser.parse(buffer, avcRecord.spsOffset(0), avcRecord.spsLength(0));
            width = sps.width();
            height = sps.height();
        }
        videoCodec = codec;
        return new TrackFormat(codec, copy(buffer, offset, length), headerLength, width, height, 0, 0);
    }

    TrackFormat audioFormat(Codec codec, DirectBuffer buffer, int offset, int length, int headerLength) {
        int sampleRate = 0;
        int channels = 0;
        if (codec == Codec.AAC) {
            AudioSpecificConfig asc = AudioSpecificConfig.parse(buffer, offset + headerLength, length - headerLength);
            sampleRate = asc.samplingFrequencyHz();
            channels = asc.channelConfiguration();
        }
        audioCodec = codec;
        return new TrackFormat(codec, copy(buffer, offset, length), headerLength, 0, 0, sampleRate, channels);
    }

    /** A format for codecs that carry no sequence header (MP3, ...): nothing to send joiners before frames. */
    TrackFormat formatWithoutConfig(Codec codec, int sampleRateHz, int channels) {
        if (codec.kind() == io.ringcast.broadcast.track.TrackKind.VIDEO) {
            videoCodec = codec;
        } else {
            audioCodec = codec;
        }
        return new TrackFormat(codec, NO_CONFIG, 0, 0, 0, sampleRateHz, channels);
    }

    private static byte[] copy(DirectBuffer buffer, int offset, int length) {
        byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }
}
