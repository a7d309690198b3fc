package io.ringcast.broadcast.media;

/**
 * The parsed facts of a codec configuration record (a sequence header's body), as a track's format carries them
 * so that no packager parses the record again: {@code media.avc.AvcDecoderConfigurationRecord},
 * {@code media.aac.AudioSpecificConfig}; HEVC and AV1 records join here. Implementations are immutable and shared
 * between threads.
 */
public interface CodecConfiguration {
}
