package io.ringcast.broadcast.media.av1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ringcast.broadcast.media.MediaFormatException;
import io.ringcast.broadcast.media.flv.EnhancedSamples;
import io.ringcast.broadcast.media.vp9.VpCodecConfigurationRecord;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class Av1CodecConfigurationRecordTest {
    private static final int TAG_HEADER = 5;

    @Test
    void shouldParseTheRecordAndSequenceHeaderOfSvtAv1AsFfmpeg71SendsThem() {
        byte[] body = EnhancedSamples.read("av01-sequence-start");
        Av1CodecConfigurationRecord record =
                Av1CodecConfigurationRecord.parse(new UnsafeBuffer(body), TAG_HEADER, body.length - TAG_HEADER);
        assertEquals(0, record.profile());
        Av1SequenceHeader header = record.sequenceHeader();
        assertEquals(320, header.width());
        assertEquals(180, header.height());
        assertEquals(0, header.profile(), "Main");
        assertEquals(record.levelIdx(), header.levelIdx());
        assertEquals("2.0", header.level());
        assertEquals(0.0, header.frameRate(), "SVT-AV1 writes no timing info");
        assertArrayEquals(Arrays.copyOfRange(body, TAG_HEADER, body.length), record.toBytes());
    }

    @Test
    void shouldReadTheFrameRateFromTimingInfo() {
        // seq_profile 0, still 0, reduced 0, timing_info_present 1, num_units_in_display_tick 1, time_scale 25,
        // equal_picture_interval 1, num_ticks_per_picture_minus_1 uvlc(0) = "1", decoder_model_info_present 0,
        // initial_display_delay_present 0, operating_points_cnt_minus_1 0, idc 0 (12 bits), seq_level_idx 8 (4.0),
        // seq_tier 0, frame_width_bits_minus_1 10, frame_height_bits_minus_1 10, 1279, 719 (11 bits each)
        String bits = "000" + "0" + "0" + "1" + bin(1, 32) + bin(25, 32) + "1" + "1" + "0" + "0" + "00000"
                + bin(0, 12) + bin(8, 5) + "0" + bin(10, 4) + bin(10, 4) + bin(1279, 11) + bin(719, 11);
        byte[] payload = pack(bits);
        Av1SequenceHeader header = Av1SequenceHeader.parse(new UnsafeBuffer(payload), 0, payload.length);
        assertEquals(25.0, header.frameRate(), 1e-9);
        assertEquals(1280, header.width());
        assertEquals(720, header.height());
        assertEquals("4.0", header.level());
    }

    @Test
    void shouldAcceptARecordWithoutConfigObus() {
        byte[] record = {(byte)0x81, 0x08, 0x0C, 0};
        assertNull(Av1CodecConfigurationRecord.parse(new UnsafeBuffer(record), 0, 4).sequenceHeader());
    }

    @Test
    void shouldRefuseBrokenRecords() {
        byte[] body = EnhancedSamples.read("av01-sequence-start");
        UnsafeBuffer buffer = new UnsafeBuffer(body);
        assertThrows(MediaFormatException.class, () -> Av1CodecConfigurationRecord.parse(buffer, TAG_HEADER, 3));
        assertThrows(MediaFormatException.class, () -> Av1CodecConfigurationRecord.parse(buffer, TAG_HEADER,
                body.length - TAG_HEADER - 1), "the sequence header OBU's size runs past the end");
        assertThrows(MediaFormatException.class, () -> Av1CodecConfigurationRecord.parse(buffer, 0, body.length),
                "the tag header is no marker and version");
    }

    @Test
    void shouldParseTheVp9RecordOfLibvpxAsFfmpeg71SendsIt() {
        byte[] body = EnhancedSamples.read("vp09-sequence-start");
        VpCodecConfigurationRecord record =
                VpCodecConfigurationRecord.parse(new UnsafeBuffer(body), TAG_HEADER, body.length - TAG_HEADER);
        assertEquals(0, record.profile());
        assertEquals(8, record.bitDepth());
        assertEquals(11, record.level());
        assertEquals(1, record.chromaSubsampling());
        assertArrayEquals(Arrays.copyOfRange(body, TAG_HEADER, body.length), record.toBytes());
        assertThrows(MediaFormatException.class, () -> VpCodecConfigurationRecord.parse(new UnsafeBuffer(body),
                TAG_HEADER, 11));
    }

    private static String bin(long value, int width) {
        StringBuilder s = new StringBuilder(Long.toBinaryString(value));
        while (s.length() < width) {
            s.insert(0, '0');
        }
        return s.toString();
    }

    private static byte[] pack(String bits) {
        byte[] out = new byte[(bits.length() + 7) / 8];
        for (int i = 0; i < bits.length(); i++) {
            if (bits.charAt(i) == '1') {
                out[i / 8] |= (byte)(0x80 >>> (i % 8));
            }
        }
        return out;
    }
}
