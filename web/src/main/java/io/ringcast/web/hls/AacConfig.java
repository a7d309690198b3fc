package io.ringcast.web.hls;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The facts of an AAC AudioSpecificConfig (ISO 14496-3 1.6.2.1) that an ADTS header repeats, and the writer of
 * that header (ISO 14496-3 1.A.2.2, no CRC). Owned by the segmenter thread; re-read in place on a new sequence
 * header.
 *
 * <pre>
 * AudioSpecificConfig:  audioObjectType(5) [escape 31: 6 more bits + 32]  samplingFrequencyIndex(4)
 *                       [index 15: 24-bit explicit frequency]  channelConfiguration(4) ...
 *
 * ADTS fixed + variable header, 7 bytes when protection_absent = 1:
 *  syncword(12)=0xFFF ID(1)=0 layer(2)=0 protection_absent(1)=1 | profile(2) sf_index(4) private(1)
 *  channel_config(3) original(1) home(1) | copyright_id_bit(1) copyright_id_start(1) aac_frame_length(13)
 *  adts_buffer_fullness(11)=0x7FF number_of_raw_data_blocks_in_frame(2)=0
 * </pre>
 */
public final class AacConfig {
    /** Length of an ADTS header without CRC. */
    public static final int ADTS_HEADER_LENGTH = 7;
    /** aac_frame_length is 13 bits and counts the header too. */
    public static final int MAX_ADTS_FRAME_LENGTH = (1 << 13) - 1;
    private static final int OBJECT_TYPE_ESCAPE = 31;
    private static final int OBJECT_TYPE_ESCAPE_BASE = 32;
    private static final int EXPLICIT_FREQUENCY_INDEX = 15;
    /** ADTS profile is audioObjectType - 1 in two bits: Main, LC, SSR, LTP. */
    private static final int MAX_ADTS_OBJECT_TYPE = 4;
    private static final int AAC_LC = 2;
    private static final int[] FREQUENCIES_HZ = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000,
        12000, 11025, 8000, 7350};

    private int objectType;
    private int frequencyIndex;
    private int channelConfig;
    private boolean valid;

    /** Reads the first bytes of an AudioSpecificConfig; false when it is truncated or not expressible in ADTS. */
    public boolean read(DirectBuffer buffer, int offset, int length) {
        valid = false;
        if (length < 2) {
            return false;
        }
        long bits = 0;
        int available = Math.min(length, 7);
        for (int i = 0; i < available; i++) {
            bits = (bits << 8) | (buffer.getByte(offset + i) & 0xFF);
        }
        int bitCount = available * 8;
        int consumed = 5;
        int type = field(bits, bitCount, 0, 5);
        if (type == OBJECT_TYPE_ESCAPE) {
            type = OBJECT_TYPE_ESCAPE_BASE + field(bits, bitCount, consumed, 6);
            consumed += 6;
        }
        int index = field(bits, bitCount, consumed, 4);
        consumed += 4;
        if (index == EXPLICIT_FREQUENCY_INDEX || index >= FREQUENCIES_HZ.length || consumed + 4 > bitCount) {
            return false;
        }
        objectType = type;
        frequencyIndex = index;
        channelConfig = field(bits, bitCount, consumed, 4);
        valid = channelConfig > 0 && channelConfig < 8;
        return valid;
    }

    private static int field(long bits, int bitCount, int from, int width) {
        return (int) (bits >>> (bitCount - from - width)) & ((1 << width) - 1);
    }

    public boolean isValid() {
        return valid;
    }

    public int objectType() {
        return objectType;
    }

    public int frequencyIndex() {
        return frequencyIndex;
    }

    public int sampleRateHz() {
        return FREQUENCIES_HZ[frequencyIndex];
    }

    public int channelConfig() {
        return channelConfig;
    }

    public void clear() {
        valid = false;
    }

    /**
     * Writes the 7-byte ADTS header of a raw frame of {@code rawLength} bytes. Object types beyond LTP (HE-AAC
     * signalled explicitly) are written as LC at the core rate, which decoders extend implicitly.
     */
    public void writeAdtsHeader(MutableDirectBuffer buffer, int offset, int rawLength) {
        int profile = (objectType >= 1 && objectType <= MAX_ADTS_OBJECT_TYPE ? objectType : AAC_LC) - 1;
        int frameLength = rawLength + ADTS_HEADER_LENGTH;
        buffer.putByte(offset, (byte) 0xFF);
        buffer.putByte(offset + 1, (byte) 0xF1);
        buffer.putByte(offset + 2, (byte) ((profile << 6) | (frequencyIndex << 2) | ((channelConfig >> 2) & 0x1)));
        buffer.putByte(offset + 3, (byte) (((channelConfig & 0x3) << 6) | ((frameLength >> 11) & 0x3)));
        buffer.putByte(offset + 4, (byte) ((frameLength >> 3) & 0xFF));
        buffer.putByte(offset + 5, (byte) (((frameLength & 0x7) << 5) | 0x1F));
        buffer.putByte(offset + 6, (byte) 0xFC);
    }
}
