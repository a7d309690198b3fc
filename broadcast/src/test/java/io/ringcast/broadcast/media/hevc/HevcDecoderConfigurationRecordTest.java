package io.ringcast.broadcast.media.hevc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.broadcast.media.MediaFormatException;
import io.ringcast.broadcast.media.flv.EnhancedSamples;
import java.util.Arrays;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HevcDecoderConfigurationRecordTest {
    private static final int TAG_HEADER = 5;

    private static HevcDecoderConfigurationRecord record(String sample) {
        byte[] body = EnhancedSamples.read(sample);
        return HevcDecoderConfigurationRecord.parse(new UnsafeBuffer(body), TAG_HEADER, body.length - TAG_HEADER);
    }

    private static HevcSpsInfo sps(HevcDecoderConfigurationRecord record) {
        byte[] sps = record.unit(HevcAnnexB.NAL_SPS, 0);
        return new HevcSpsParser().parse(new UnsafeBuffer(sps), 0, sps.length);
    }

    @Test
    void shouldParseTheRecordOfX265AsFfmpeg71SendsIt() {
        HevcDecoderConfigurationRecord record = record("hvc1-sequence-start");
        assertEquals(1, record.profileIdc(), "Main");
        assertEquals(0, record.tierFlag());
        assertEquals(60, record.levelIdc(), "level 2");
        assertEquals(4, record.nalUnitLengthSize());
        assertEquals(1, record.chromaFormatIdc());
        assertEquals(8, record.bitDepthLuma());
        assertEquals(4, record.arrayCount(), "VPS, SPS, PPS and x265's SEI");
        assertEquals(1, record.count(HevcAnnexB.NAL_VPS));
        assertEquals(1, record.count(HevcAnnexB.NAL_SPS));
        assertEquals(1, record.count(HevcAnnexB.NAL_PPS));
        assertEquals(HevcAnnexB.NAL_SEI_PREFIX, record.arrayType(3));
    }

    @Test
    void shouldJoinVpsSpsAndPpsBehindStartCodes() {
        HevcDecoderConfigurationRecord record = record("hvc1-sequence-start");
        byte[] annexB = record.parameterSetsAnnexB();
        int expected = 0;
        for (int type = HevcAnnexB.NAL_VPS; type <= HevcAnnexB.NAL_PPS; type++) {
            expected += 4 + record.unit(type, 0).length;
        }
        assertEquals(expected, annexB.length, "no SEI in the parameter sets");
        assertArrayEquals(new byte[] {0, 0, 0, 1, 0x40, 0x01}, Arrays.copyOf(annexB, 6), "VPS first");
        int spsAt = 4 + record.unit(HevcAnnexB.NAL_VPS, 0).length;
        assertEquals(HevcAnnexB.NAL_SPS, HevcAnnexB.nalType(annexB[spsAt + 4]));
    }

    @Test
    void shouldWriteTheRecordBackByteForByte() {
        byte[] body = EnhancedSamples.read("hvc1-sequence-start");
        assertArrayEquals(Arrays.copyOfRange(body, TAG_HEADER, body.length), record("hvc1-sequence-start").toBytes());
    }

    @Test
    void shouldBuildTheSameFixedFieldsAsFfmpegFromParameterSets() {
        for (String sample : new String[] {"hvc1-sequence-start", "hvc1-main10-1080p-sequence-start"}) {
            HevcDecoderConfigurationRecord original = record(sample);
            HevcDecoderConfigurationRecord built = HevcDecoderConfigurationRecord.of(
                    original.unit(HevcAnnexB.NAL_VPS, 0), original.unit(HevcAnnexB.NAL_SPS, 0),
                    original.unit(HevcAnnexB.NAL_PPS, 0));
            byte[] bytes = built.toBytes();
            assertArrayEquals(Arrays.copyOf(original.toBytes(), HevcDecoderConfigurationRecord.FIXED_LENGTH - 1),
                    Arrays.copyOf(bytes, HevcDecoderConfigurationRecord.FIXED_LENGTH - 1), sample);
            HevcDecoderConfigurationRecord reparsed =
                    HevcDecoderConfigurationRecord.parse(new UnsafeBuffer(bytes), 0, bytes.length);
            assertArrayEquals(original.parameterSetsAnnexB(), reparsed.parameterSetsAnnexB(), sample);
        }
    }

    @Test
    void shouldReadSizeProfileLevelAndFrameRateFromTheSps() {
        HevcSpsInfo small = sps(record("hvc1-sequence-start"));
        assertEquals(320, small.width());
        assertEquals(180, small.height(), "coded 192 rows, cropped by the conformance window");
        assertEquals(1, small.profileIdc());
        assertEquals(60, small.levelIdc());
        assertEquals(30.0, small.frameRate(), 1e-9);

        HevcSpsInfo main10 = sps(record("hvc1-main10-1080p-sequence-start"));
        assertEquals(1920, main10.width());
        assertEquals(1080, main10.height());
        assertEquals(2, main10.profileIdc(), "Main 10");
        assertEquals(10, main10.bitDepthLuma());
        assertEquals(120, main10.levelIdc());
        assertEquals(25.0, main10.frameRate(), 1e-9);
    }

    @Test
    void shouldRefuseEveryTruncationWithMediaFormatException() {
        byte[] body = EnhancedSamples.read("hvc1-sequence-start");
        UnsafeBuffer buffer = new UnsafeBuffer(body);
        int refused = 0;
        for (int length = 0; length < body.length - TAG_HEADER; length++) {
            try {
                HevcDecoderConfigurationRecord.parse(buffer, TAG_HEADER, length);
            } catch (MediaFormatException expected) {
                refused++;
            }
        }
        assertEquals(body.length - TAG_HEADER, refused, "every cut leaves an array or NAL unit short");
        byte[] otherVersion = body.clone();
        otherVersion[TAG_HEADER] = 2;
        assertThrows(MediaFormatException.class, () -> HevcDecoderConfigurationRecord
                .parse(new UnsafeBuffer(otherVersion), TAG_HEADER, body.length - TAG_HEADER));
    }

    @Test
    void shouldRefuseAnSpsOfAnotherType() {
        HevcDecoderConfigurationRecord record = record("hvc1-sequence-start");
        byte[] pps = record.unit(HevcAnnexB.NAL_PPS, 0);
        assertThrows(MediaFormatException.class, () -> new HevcSpsParser().parse(new UnsafeBuffer(pps), 0,
                pps.length));
    }

    @Test
    void shouldConvertCodedFramesToAnnexBAndBack() {
        for (String sample : new String[] {"hvc1-key-frame", "hvc1-inter-frame-0"}) {
            byte[] body = EnhancedSamples.read(sample);
            UnsafeBuffer buffer = new UnsafeBuffer(body);
            int header = 8;
            ExpandableArrayBuffer annexB = new ExpandableArrayBuffer();
            int annexBLength = HevcAnnexB.convert(buffer, header, body.length - header, 4, annexB, 0, false);
            assertEquals(body.length - header, annexBLength, sample + ": one slice, 4-byte length -> start code");
            assertEquals(1, annexB.getInt(0, java.nio.ByteOrder.BIG_ENDIAN));
            ExpandableArrayBuffer back = new ExpandableArrayBuffer();
            int backLength = HevcAnnexB.toLengthPrefixed(annexB, 0, annexBLength, back, 0);
            byte[] roundTrip = new byte[backLength];
            back.getBytes(0, roundTrip);
            assertArrayEquals(Arrays.copyOfRange(body, header, body.length), roundTrip, sample);
        }
        byte[] key = EnhancedSamples.read("hvc1-key-frame");
        assertTrue(HevcAnnexB.containsIrap(new UnsafeBuffer(key), 8, key.length - 8, 4), "IDR_N_LP");
        byte[] inter = EnhancedSamples.read("hvc1-inter-frame-0");
        assertFalse(HevcAnnexB.containsIrap(new UnsafeBuffer(inter), 8, inter.length - 8, 4));
    }

    @Test
    void shouldDropAccessUnitDelimitersAndOnRequestParameterSets() {
        byte[] au = {0, 0, 0, 3, 0x46, 0x01, 0x50, 0, 0, 0, 3, 0x40, 0x01, 0x0C, 0, 0, 0, 3, 0x28, 0x01, (byte)0xAF};
        ExpandableArrayBuffer out = new ExpandableArrayBuffer();
        assertEquals(7 + 7, HevcAnnexB.convert(new UnsafeBuffer(au), 0, au.length, 4, out, 0, false));
        assertEquals(7, HevcAnnexB.convert(new UnsafeBuffer(au), 0, au.length, 4, out, 0, true));
        assertEquals(0x28, out.getByte(4), "only the IDR slice is left");
        assertEquals(HevcAnnexB.MALFORMED, HevcAnnexB.convert(new UnsafeBuffer(au), 0, au.length - 1, 4, out, 0,
                false));
    }

    @Test
    void shouldReadThreeAndFourByteStartCodes() {
        byte[] annexB = {0, 0, 1, 0x40, 0x01, 0, 0, 0, 1, 0x42, 0x01, 0x01, 0, 0, 1, 0x44, 0x01};
        ExpandableArrayBuffer out = new ExpandableArrayBuffer();
        int length = HevcAnnexB.toLengthPrefixed(new UnsafeBuffer(annexB), 0, annexB.length, out, 0);
        byte[] prefixed = new byte[length];
        out.getBytes(0, prefixed);
        assertArrayEquals(new byte[] {0, 0, 0, 2, 0x40, 0x01, 0, 0, 0, 3, 0x42, 0x01, 0x01, 0, 0, 0, 2, 0x44, 0x01},
                prefixed);
        assertEquals(HevcAnnexB.MALFORMED, HevcAnnexB.toLengthPrefixed(new UnsafeBuffer(new byte[] {5, 5, 5, 5, 5}),
                0, 5, out, 0));
    }
}
