package io.ringcast.broadcast.media.aac;

import org.agrona.MutableDirectBuffer;

/**
 * Writes the ADTS header (ISO/IEC 14496-3 1.A.2.2, no CRC) that carries a raw AAC frame in an MPEG-TS stream, from
 * the facts of the stream's {@link AudioSpecificConfig}. Stateless and allocation-free; any thread, on buffers the
 * caller owns.
 *
 * <pre>
 * ADTS fixed + variable header, 7 bytes when protection_absent = 1:
 *  syncword(12)=0xFFF ID(1)=0 layer(2)=0 protection_absent(1)=1 | profile(2) sf_index(4) private(1)
 *  channel_config(3) original(1) home(1) | copyright_id_bit(1) copyright_id_start(1) aac_frame_length(13)
 *  adts_buffer_fullness(11)=0x7FF number_of_raw_data_blocks_in_frame(2)=0
 * </pre>
 */
public final class AdtsHeader {
    /** Length of an ADTS header without CRC. */
    public static final int LENGTH = 7;
    /** aac_frame_length is 13 bits and counts the header too. */
    public static final int MAX_FRAME_LENGTH = (1 << 13) - 1;
    /** channel_configuration is 3 bits in ADTS; 0 (in-band program config element) is not written here. */
    private static final int MAX_CHANNEL_CONFIGURATION = 7;

    private AdtsHeader() {
    }

    /**
     * Whether ADTS can describe the stream: a sampling frequency of the table (ADTS has only the 4-bit index, 15 is
     * forbidden there) and a channel configuration of 1..7.
     */
    public static boolean canDescribe(AudioSpecificConfig config) {
        return config.samplingFrequencyIndex() != AudioSpecificConfig.NO_INDEX
                && config.channelConfiguration() > 0 && config.channelConfiguration() <= MAX_CHANNEL_CONFIGURATION;
    }

    /**
     * Writes the 7-byte ADTS header of a raw frame of {@code rawLength} bytes at {@code offset}; the config must
     * pass {@link #canDescribe}. Object types beyond LTP (e.g. HE-AAC's core behind explicit SBR keeps LC) are
     * written as LC at the core rate, which decoders extend implicitly.
     */
    public static void write(MutableDirectBuffer buffer, int offset, AudioSpecificConfig config, int rawLength) {
        assert canDescribe(config) : config;
        int objectType = config.audioObjectType();
        int profile = (objectType >= AudioSpecificConfig.AOT_AAC_MAIN && objectType <= AudioSpecificConfig.AOT_AAC_LTP
                ? objectType : AudioSpecificConfig.AOT_AAC_LC) - 1;
        int frequencyIndex = config.samplingFrequencyIndex();
        int channels = config.channelConfiguration();
        int frameLength = rawLength + LENGTH;
        buffer.putByte(offset, (byte) 0xFF);
        buffer.putByte(offset + 1, (byte) 0xF1);
        buffer.putByte(offset + 2, (byte) ((profile << 6) | (frequencyIndex << 2) | ((channels >> 2) & 0x1)));
        buffer.putByte(offset + 3, (byte) (((channels & 0x3) << 6) | ((frameLength >> 11) & 0x3)));
        buffer.putByte(offset + 4, (byte) ((frameLength >> 3) & 0xFF));
        buffer.putByte(offset + 5, (byte) (((frameLength & 0x7) << 5) | 0x1F));
        buffer.putByte(offset + 6, (byte) 0xFC);
    }
}
