package io.ringcast.broadcast.media.mp4;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;

import static io.ringcast.broadcast.media.mp4.Mp4Boxes.fourCc;
import static io.ringcast.broadcast.media.mp4.Mp4Boxes.u16;
import static io.ringcast.broadcast.media.mp4.Mp4Boxes.u32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Sample entries byte by byte against ISO/IEC 14496-12 12.1.3 / 12.2.3, 14496-15 and 14496-14. */
@Timeout(10)
class SampleEntriesTest {
    /** A real AVCDecoderConfigurationRecord (x264 baseline 640x360: SPS 0x67..., PPS 0x68...). */
    private static final byte[] AVCC = {1, 0x42, (byte) 0xC0, 0x1E, (byte) 0xFF, (byte) 0xE1, 0, 0x0A, 0x67, 0x42,
        (byte) 0xC0, 0x1E, (byte) 0xDA, 0x02, (byte) 0x80, (byte) 0xBF, (byte) 0xE5, (byte) 0x84, 1, 0, 4, 0x68,
        (byte) 0xCE, 0x0F, (byte) 0xC8};
    /** An HEVCDecoderConfigurationRecord's first bytes (configurationVersion 1, Main profile); opaque here. */
    private static final byte[] HVCC = {1, 1, 0x60, 0, 0, 0, (byte) 0x90, 0, 0, 0, 0, 0, 0x5D, (byte) 0xF0, 0,
        (byte) 0xFC, (byte) 0xFD, (byte) 0xF8, (byte) 0xF8, 0, 0, 0x0F, 0};
    /** An AV1CodecConfigurationRecord: marker 1 version 1, main profile level 4.0, 8-bit 4:2:0; no configOBUs. */
    private static final byte[] AV1C = {(byte) 0x81, 0x08, 0x0C, 0x00};
    /** AudioSpecificConfig: AAC LC, 44.1 kHz, stereo. */
    private static final byte[] ASC = {0x12, 0x10};

    @Test
    void shouldWriteAvc1WithTheRecordInAvcCAfterTheVisualFields() {
        byte[] e = SampleEntries.avc1(640, 360, AVCC);

        assertVisualEntry(e, "avc1", 640, 360, "avcC", AVCC);
    }

    @Test
    void shouldWriteHvc1WithTheRecordInHvcC() {
        byte[] e = SampleEntries.hvc1(1920, 1080, HVCC);

        assertVisualEntry(e, "hvc1", 1920, 1080, "hvcC", HVCC);
    }

    @Test
    void shouldWriteAv01WithTheRecordInAv1C() {
        byte[] e = SampleEntries.av01(320, 180, AV1C);

        assertVisualEntry(e, "av01", 320, 180, "av1C", AV1C);
    }

    @Test
    void shouldRefuseASizeOrRecordASampleEntryCannotCarry() {
        assertThrows(IllegalArgumentException.class, () -> SampleEntries.hvc1(0, 1080, HVCC));
        assertThrows(IllegalArgumentException.class, () -> SampleEntries.av01(70_000, 180, AV1C));
        assertThrows(IllegalArgumentException.class, () -> SampleEntries.avc1(640, 360, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> SampleEntries.mp4a(2, 96_000, ASC));
    }

    @Test
    void shouldWriteMp4aWithAnEsdsCarryingTheAudioSpecificConfig() {
        byte[] e = SampleEntries.mp4a(2, 44_100, ASC);

        assertEquals(e.length, u32(e, 0));
        assertEquals("mp4a", fourCc(e, 4));
        assertEquals(1, u16(e, 14), "data_reference_index");
        assertEquals(2, u16(e, 24), "channelcount");
        assertEquals(16, u16(e, 26), "samplesize");
        assertEquals(44_100 << 16, u32(e, 32), "samplerate 16.16");
        int esds = SampleEntries.AUDIO_FIXED_LENGTH;
        assertEquals(e.length - esds, u32(e, esds), "esds fills the rest");
        assertEquals("esds", fourCc(e, esds + 4));
        assertEquals(0, u32(e, esds + 8), "version 0, flags 0");
        int es = esds + 12;
        assertEquals(0x03, e[es], "ES_DescrTag");
        int esLength = descriptorLength(e, es + 1);
        assertEquals(e.length - (es + 5), esLength, "ES_Descriptor covers the rest");
        int decoderConfig = es + 5 + 3;
        assertEquals(0x04, e[decoderConfig], "DecoderConfigDescrTag");
        assertEquals(0x40, e[decoderConfig + 5], "objectTypeIndication: MPEG-4 audio");
        assertEquals(0x15, e[decoderConfig + 6], "streamType audio, reserved bit");
        int decSpecific = decoderConfig + 5 + 13;
        assertEquals(0x05, e[decSpecific], "DecSpecificInfoTag");
        assertEquals(ASC.length, descriptorLength(e, decSpecific + 1));
        assertArrayEquals(ASC, Arrays.copyOfRange(e, decSpecific + 5, decSpecific + 5 + ASC.length));
        int sl = decSpecific + 5 + ASC.length;
        assertEquals(0x06, e[sl], "SLConfigDescrTag");
        assertEquals(1, descriptorLength(e, sl + 1));
        assertEquals(0x02, e[sl + 5], "predefined: MP4");
        assertEquals(e.length, sl + 6);
    }

    @Test
    void shouldCountChannelConfigurationZeroAsStereo() {
        assertEquals(2, u16(SampleEntries.mp4a(0, 48_000, ASC), 24));
        assertEquals(1, u16(SampleEntries.mp4a(1, 48_000, ASC), 24));
    }

    private static int descriptorLength(byte[] b, int at) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 7) | (b[at + i] & 0x7F);
            if ((b[at + i] & 0x80) == 0) {
                assertEquals(3, i, "four-byte form");
            }
        }
        return v;
    }

    private static void assertVisualEntry(byte[] e, String type, int width, int height, String configType,
                                          byte[] record) {
        assertEquals(e.length, u32(e, 0), "size");
        assertEquals(type, fourCc(e, 4));
        for (int i = 8; i < 14; i++) {
            assertEquals(0, e[i], "reserved byte " + i);
        }
        assertEquals(1, u16(e, 14), "data_reference_index");
        assertEquals(width, u16(e, 32));
        assertEquals(height, u16(e, 34));
        assertEquals(0x00480000, u32(e, 36), "horizresolution 72 dpi");
        assertEquals(0x00480000, u32(e, 40), "vertresolution 72 dpi");
        assertEquals(1, u16(e, 48), "frame_count");
        assertEquals(0x18, u16(e, 82), "depth");
        assertEquals(0xFFFF, u16(e, 84), "pre_defined -1");
        assertEquals(86 + 8 + record.length, e.length);
        assertEquals(8 + record.length, u32(e, 86), configType + " size");
        assertEquals(configType, fourCc(e, 90));
        assertArrayEquals(record, Arrays.copyOfRange(e, 94, e.length), configType + " holds the record as is");
    }
}
