package io.ringcast.broadcast.media;

/**
 * The parsed facts of a codec configuration record (a sequence header's body), as a track's format carries them
 * so that no packager parses the record again: {@code media.avc.AvcDecoderConfigurationRecord},
 * {@code media.hevc.HevcDecoderConfigurationRecord}, {@code media.av1.Av1CodecConfigurationRecord},
 * {@code media.vp9.VpCodecConfigurationRecord}, {@code media.aac.AudioSpecificConfig}. Implementations are
 * immutable and shared between threads.
 */
public interface CodecConfiguration {
}
