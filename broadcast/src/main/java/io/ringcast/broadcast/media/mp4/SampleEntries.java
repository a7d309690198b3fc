package io.ringcast.broadcast.media.mp4;

import static io.ringcast.broadcast.media.mp4.BoxWriter.fourCc;

/**
 * Sample entries (the {@code stsd} children, ISO/IEC 14496-12 12.1.3 and 12.2.3) as pure functions of the track's
 * facts and its codec configuration record, exactly as the codec's spec carries it in the configuration box:
 * {@code avc1}/{@code avcC} (ISO/IEC 14496-15 5.4.2), {@code hvc1}/{@code hvcC} (14496-15 8.4.1), {@code av01}/{@code
 * av1C} (AV1 ISOBMFF binding 2.3) and {@code mp4a}/{@code esds} (ISO/IEC 14496-14 5.6). Stateless; any thread.
 *
 * <pre>
 * VisualSampleEntry (86 bytes before its configuration box)
 *  size type | 6 reserved | data_reference_index=1 | 16 pre_defined/reserved | width u16 | height u16
 *  | 0x00480000 0x00480000 (72 dpi) | reserved u32 | frame_count=1 | compressorname[32] | depth=0x18 | -1
 * </pre>
 */
public final class SampleEntries {
    public static final int AVC1 = fourCc("avc1");
    public static final int AVCC = fourCc("avcC");
    public static final int HVC1 = fourCc("hvc1");
    public static final int HVCC = fourCc("hvcC");
    public static final int AV01 = fourCc("av01");
    public static final int AV1C = fourCc("av1C");
    public static final int MP4A = fourCc("mp4a");
    public static final int ESDS = fourCc("esds");
    /** Bytes of a visual sample entry before its configuration box. */
    public static final int VISUAL_FIXED_LENGTH = 86;
    /** Bytes of an audio sample entry before its {@code esds}. */
    public static final int AUDIO_FIXED_LENGTH = 36;
    private static final int DPI_72 = 0x00480000;
    private static final int COMPRESSOR_NAME_LENGTH = 32;
    private static final int DEPTH_COLOUR_NO_ALPHA = 0x0018;
    private static final int MAX_DIMENSION = 0xFFFF;
    /** ES_DescrTag, DecoderConfigDescrTag, DecSpecificInfoTag, SLConfigDescrTag (ISO/IEC 14496-1 7.2.2.1). */
    private static final int ES_DESCR_TAG = 0x03;
    private static final int DECODER_CONFIG_DESCR_TAG = 0x04;
    private static final int DEC_SPECIFIC_INFO_TAG = 0x05;
    private static final int SL_CONFIG_DESCR_TAG = 0x06;
    /** Descriptor header: tag plus a 4-byte expandable size (as ffmpeg writes it). */
    private static final int DESCRIPTOR_HEADER_LENGTH = 5;
    /** objectTypeIndication for MPEG-4 audio (AAC). */
    private static final int OBJECT_TYPE_MPEG4_AUDIO = 0x40;
    /** streamType 5 (audio) << 2, upStream 0, reserved 1. */
    private static final int STREAM_TYPE_AUDIO = (0x05 << 2) | 1;
    private static final int DECODER_CONFIG_FIXED_LENGTH = 13;
    private static final int SL_PREDEFINED_MP4 = 0x02;
    private static final int ES_FIXED_LENGTH = 3;
    private static final int MAX_SAMPLE_RATE_HZ = 0xFFFF;

    private SampleEntries() {
    }

    /** {@code avc1} holding {@code avcC} = the AVCDecoderConfigurationRecord. */
    public static byte[] avc1(int width, int height, byte[] avcDecoderConfigurationRecord) {
        return visual(AVC1, AVCC, width, height, avcDecoderConfigurationRecord);
    }

    /** {@code hvc1} holding {@code hvcC} = the HEVCDecoderConfigurationRecord (parameter sets in the record). */
    public static byte[] hvc1(int width, int height, byte[] hevcDecoderConfigurationRecord) {
        return visual(HVC1, HVCC, width, height, hevcDecoderConfigurationRecord);
    }

    /** {@code av01} holding {@code av1C} = the AV1CodecConfigurationRecord (with its configOBUs, if any). */
    public static byte[] av01(int width, int height, byte[] av1CodecConfigurationRecord) {
        return visual(AV01, AV1C, width, height, av1CodecConfigurationRecord);
    }

    /** A VisualSampleEntry of type {@code entryType} whose only child is {@code configType} holding the record. */
    public static byte[] visual(int entryType, int configType, int width, int height, byte[] record) {
        if (width <= 0 || width > MAX_DIMENSION || height <= 0 || height > MAX_DIMENSION) {
            throw new IllegalArgumentException("video size must be 1..65535 each: " + width + "x" + height);
        }
        if (record == null || record.length == 0) {
            throw new IllegalArgumentException("a sample entry needs the codec configuration record");
        }
        BoxWriter w = new BoxWriter(VISUAL_FIXED_LENGTH + BoxWriter.HEADER_LENGTH + record.length);
        w.begin(entryType).zeros(6).u16(1)
                .zeros(16)
                .u16(width).u16(height)
                .u32(DPI_72).u32(DPI_72)
                .u32(0)
                .u16(1)
                .zeros(COMPRESSOR_NAME_LENGTH)
                .u16(DEPTH_COLOUR_NO_ALPHA).u16(0xFFFF);
        w.begin(configType).bytes(record).end();
        return w.end().toByteArray();
    }

    /**
     * {@code mp4a} with an {@code esds} whose DecoderSpecificInfo is the AudioSpecificConfig.
     *
     * @param channels     channel count (channel configuration 0, defined in band, counts as 2)
     * @param sampleRateHz the AudioSpecificConfig's sampling frequency
     */
    public static byte[] mp4a(int channels, int sampleRateHz, byte[] audioSpecificConfig) {
        if (sampleRateHz <= 0 || sampleRateHz > MAX_SAMPLE_RATE_HZ) {
            throw new IllegalArgumentException("sampleRateHz must be 1..65535: " + sampleRateHz);
        }
        if (audioSpecificConfig == null || audioSpecificConfig.length == 0) {
            throw new IllegalArgumentException("mp4a needs the AudioSpecificConfig");
        }
        int decSpecific = audioSpecificConfig.length;
        int decoderConfig = DECODER_CONFIG_FIXED_LENGTH + DESCRIPTOR_HEADER_LENGTH + decSpecific;
        int sl = 1;
        int es = ES_FIXED_LENGTH + DESCRIPTOR_HEADER_LENGTH + decoderConfig + DESCRIPTOR_HEADER_LENGTH + sl;
        BoxWriter w = new BoxWriter(AUDIO_FIXED_LENGTH + BoxWriter.FULL_HEADER_LENGTH + DESCRIPTOR_HEADER_LENGTH + es);
        w.begin(MP4A).zeros(6).u16(1)
                .zeros(8)
                .u16(channels <= 0 ? 2 : channels).u16(16)
                .u16(0).u16(0)
                .u32(sampleRateHz << 16);
        w.beginFull(ESDS, 0, 0);
        descriptor(w, ES_DESCR_TAG, es).u16(0).u8(0);
        descriptor(w, DECODER_CONFIG_DESCR_TAG, decoderConfig)
                .u8(OBJECT_TYPE_MPEG4_AUDIO).u8(STREAM_TYPE_AUDIO).u24(0).u32(0).u32(0);
        descriptor(w, DEC_SPECIFIC_INFO_TAG, decSpecific).bytes(audioSpecificConfig);
        descriptor(w, SL_CONFIG_DESCR_TAG, sl).u8(SL_PREDEFINED_MP4);
        return w.end().end().toByteArray();
    }

    /** Tag and size in the 4-byte expandable form (ISO/IEC 14496-1 8.3.3). */
    private static BoxWriter descriptor(BoxWriter w, int tag, int size) {
        return w.u8(tag).u8(0x80 | ((size >>> 21) & 0x7F)).u8(0x80 | ((size >>> 14) & 0x7F))
                .u8(0x80 | ((size >>> 7) & 0x7F)).u8(size & 0x7F);
    }
}
