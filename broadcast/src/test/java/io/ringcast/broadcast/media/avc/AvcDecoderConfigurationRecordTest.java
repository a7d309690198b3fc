package io.ringcast.broadcast.media.avc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ringcast.broadcast.media.MediaFormatException;
import java.util.HexFormat;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one AVC configuration parser and the AVCC to Annex B conversion. */
@Timeout(10)
class AvcDecoderConfigurationRecordTest {
    /** Version 1, High 3.1, 2-byte NAL lengths, one 4-byte SPS, one 3-byte PPS. */
    private static final String RECORD = "01640 01F FD E1 0004 6764001F 01 0003 68EE3C";

    @Test
    void shouldKeepTheFactsAndTheParameterSetsAsAnnexB() {
        AvcDecoderConfigurationRecord record = parse(RECORD);

        assertEquals(100, record.profileIndication());
        assertEquals(31, record.levelIndication());
        assertEquals(2, record.nalUnitLengthSize());
        assertEquals(1, record.spsCount());
        assertEquals(1, record.ppsCount());
        assertArrayEquals(bytes("6764001F"), record.sps(0));
        assertArrayEquals(bytes("68EE3C"), record.pps(0));
        assertArrayEquals(bytes("00000001 6764001F 00000001 68EE3C"), record.parameterSetsAnnexB());
    }

    @Test
    void shouldRefuseAnotherVersionAndARecordWithoutSps() {
        assertEquals("avc config bad version",
            assertThrows(MediaFormatException.class, () -> parse("02640 01F FD E1 0004 6764001F 00")).reason());
        assertEquals("avc config without sps",
            assertThrows(MediaFormatException.class, () -> parse("01640 01F FD E0 00")).reason());
    }

    @Test
    void shouldConvertAvccToAnnexBDroppingAudsAndOnRequestParameterSets() {
        byte[] avcc = bytes("0002 09F0 0004 6764001F 0003 65AABB");
        UnsafeBuffer out = new UnsafeBuffer(new byte[64]);

        int keptAll = AnnexB.convert(new UnsafeBuffer(avcc), 0, avcc.length, 2, out, 0, false);
        byte[] all = new byte[keptAll];
        out.getBytes(0, all);
        int keptSlices = AnnexB.convert(new UnsafeBuffer(avcc), 0, avcc.length, 2, out, 0, true);
        byte[] slices = new byte[keptSlices];
        out.getBytes(0, slices);

        assertArrayEquals(bytes("00000001 6764001F 00000001 65AABB"), all, "the AUD is dropped");
        assertArrayEquals(bytes("00000001 65AABB"), slices, "and the SPS too");
        assertEquals(AnnexB.MALFORMED, AnnexB.convert(new UnsafeBuffer(avcc), 0, avcc.length - 1, 2, out, 0, false),
            "a NAL length running past the end");
    }

    private static AvcDecoderConfigurationRecord parse(String hex) {
        byte[] bytes = bytes(hex);
        return AvcDecoderConfigurationRecord.parse(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }
}
