package io.ringcast.broadcast.hls;

import io.ringcast.broadcast.media.avc.AvcDecoderConfigurationRecord;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** Byte-exact checks of the TS, PSI, PES, ADTS and Annex B writers against hand-computed vectors. */
@Timeout(10)
class TsWireFormatTest {
    private static final byte[] SPS = bytes(0x67, 0x42, 0x00, 0x1E, 0xAA);
    private static final byte[] PPS = bytes(0x68, 0xCE, 0x38, 0x80);

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] slice(TsMuxer muxer, int from, int length) {
        byte[] out = new byte[length];
        muxer.buffer().getBytes(from, out);
        return out;
    }

    /** AVCDecoderConfigurationRecord with one SPS and one PPS. */
    static byte[] avcRecord(int lengthSizeMinusOne) {
        byte[] head = bytes(1, 0x42, 0x00, 0x1E, 0xFC | lengthSizeMinusOne, 0xE1, 0, SPS.length);
        byte[] out = new byte[head.length + SPS.length + 3 + PPS.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(SPS, 0, out, head.length, SPS.length);
        int at = head.length + SPS.length;
        out[at] = 1;
        out[at + 1] = 0;
        out[at + 2] = (byte) PPS.length;
        System.arraycopy(PPS, 0, out, at + 3, PPS.length);
        return out;
    }

    @Test
    void shouldComputeTheMpeg2CrcOfTheStandardCheckString() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x0376E6E7, Crc32Mpeg2.compute(check, 0, check.length));
        assertEquals(0x0376E6E7, Crc32Mpeg2.compute(new UnsafeBuffer(check), 0, check.length));
    }

    @Test
    void shouldWriteThePatAndPmtByteForByteAtTheSegmentStart() {
        TsMuxer muxer = new TsMuxer(4096);
        muxer.startSegment(true, true);
        assertEquals(2 * TsPacketWriter.PACKET_LENGTH, muxer.length());
        byte[] pat = bytes(0x47, 0x40, 0x00, 0x10, 0x00,
                0x00, 0xB0, 0x0D, 0x00, 0x01, 0xC1, 0x00, 0x00, 0x00, 0x01, 0xF0, 0x00, 0x2A, 0xB1, 0x04, 0xB2);
        assertArrayEquals(pat, slice(muxer, 0, pat.length));
        byte[] rest = slice(muxer, pat.length, TsPacketWriter.PACKET_LENGTH - pat.length);
        byte[] stuffing = new byte[rest.length];
        Arrays.fill(stuffing, (byte) 0xFF);
        assertArrayEquals(stuffing, rest);
        byte[] pmt = bytes(0x47, 0x50, 0x00, 0x10, 0x00,
                0x02, 0xB0, 0x17, 0x00, 0x01, 0xC1, 0x00, 0x00, 0xE1, 0x00, 0xF0, 0x00,
                0x1B, 0xE1, 0x00, 0xF0, 0x00, 0x0F, 0xE1, 0x01, 0xF0, 0x00);
        assertArrayEquals(pmt, slice(muxer, TsPacketWriter.PACKET_LENGTH, pmt.length));
        byte[] section = slice(muxer, TsPacketWriter.PACKET_LENGTH + 5, 3 + 0x17);
        assertEquals(0, Crc32Mpeg2.compute(section, 0, section.length), "CRC over section and CRC_32");
    }

    @Test
    void shouldListOnlyTheAudioTrackAndCarryPcrOnItInAnAudioOnlyPmt() {
        TsMuxer muxer = new TsMuxer(4096);
        muxer.startSegment(false, true);
        byte[] pmt = bytes(0x47, 0x50, 0x00, 0x10, 0x00,
                0x02, 0xB0, 0x12, 0x00, 0x01, 0xC1, 0x00, 0x00, 0xE1, 0x01, 0xF0, 0x00,
                0x0F, 0xE1, 0x01, 0xF0, 0x00);
        assertArrayEquals(pmt, slice(muxer, TsPacketWriter.PACKET_LENGTH, pmt.length));
        byte[] section = slice(muxer, TsPacketWriter.PACKET_LENGTH + 5, 3 + 0x12);
        assertEquals(0, Crc32Mpeg2.compute(section, 0, section.length));
    }

    @Test
    void shouldWritePesTimestampsWithPrefixesAndMarkerBits() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
        int start = PesHeader.writeBefore(b, 32, 10, PesHeader.STREAM_ID_AUDIO, 90_000, -1, true);
        assertEquals(32 - 14, start);
        byte[] header = new byte[14];
        b.getBytes(start, header);
        assertArrayEquals(bytes(0, 0, 1, 0xC0, 0x00, 0x12, 0x84, 0x80, 0x05, 0x21, 0x00, 0x05, 0xBF, 0x21), header);

        start = PesHeader.writeBefore(b, 32, 10, PesHeader.STREAM_ID_VIDEO, 90_000 + 3_003, 90_000, false);
        header = new byte[19];
        b.getBytes(start, header);
        // PTS 93003 = 0x16B4B; DTS 90000 = 0x15F90.
        assertArrayEquals(bytes(0, 0, 1, 0xE0, 0x00, 0x00, 0x84, 0xC0, 0x0A,
                0x31, 0x00, 0x05, 0xD6, 0x97, 0x11, 0x00, 0x05, 0xBF, 0x21), header);
    }

    @Test
    void shouldPadTheLastPacketOfAPesWithAdaptationStuffingOfEveryLength() {
        for (int length : new int[]{1, 181, 182, 183, 184, 185, 366, 367, 368}) {
            TsPacketWriter w = new TsPacketWriter(TsPacketWriter.PACKET_LENGTH);
            byte[] pes = new byte[length];
            Arrays.fill(pes, (byte) 0x5A);
            w.writePes(0x101, new UnsafeBuffer(pes), 0, length, -1, false);
            byte[] ts = new byte[w.length()];
            w.buffer().getBytes(0, ts);
            assertEquals((length + 183) / 184 * 188, ts.length, "packets for " + length);
            int payload = 0;
            for (int at = 0; at < ts.length; at += 188) {
                int control = (ts[at + 3] >> 4) & 3;
                int start = at + 4;
                if (control == 3) {
                    int af = ts[at + 4] & 0xFF;
                    assertTrue(at + 188 == ts.length, "adaptation only in the last packet for " + length);
                    for (int i = at + 6; i < at + 5 + af; i++) {
                        assertEquals((byte) 0xFF, ts[i]);
                    }
                    start = at + 5 + af;
                }
                for (int i = start; i < at + 188; i++) {
                    assertEquals((byte) 0x5A, ts[i], "payload byte for " + length);
                    payload++;
                }
            }
            assertEquals(length, payload);
        }
    }

    @Test
    void shouldWriteThePcrAndRandomAccessIndicatorInTheFirstPacket() {
        TsPacketWriter w = new TsPacketWriter(TsPacketWriter.PACKET_LENGTH);
        w.writePes(0x100, new UnsafeBuffer(new byte[200]), 0, 200, 90_000, true);
        byte[] head = new byte[12];
        w.buffer().getBytes(0, head);
        assertArrayEquals(bytes(0x47, 0x41, 0x00, 0x30, 0x07, 0x50, 0x00, 0x00, 0xAF, 0xC8, 0x7E, 0x00), head);
        byte[] second = new byte[4];
        w.buffer().getBytes(188, second);
        assertArrayEquals(bytes(0x47, 0x01, 0x00, 0x31), second, "no PUSI, continuity 1");
    }

    @Test
    void shouldConvertAvccToAnnexBWithAudAndParameterSetsBeforeKeyframes() {
        byte[] record = avcRecord(3);
        AvcDecoderConfigurationRecord avc =
                AvcDecoderConfigurationRecord.parse(new UnsafeBuffer(record), 0, record.length);
        assertEquals(4, avc.nalUnitLengthSize());
        // The frame carries its own AUD and SPS: both are dropped, the muxer inserts its own.
        byte[] key = bytes(0, 0, 0, 2, 0x09, 0xF0, 0, 0, 0, 5, 0x67, 0x42, 0x00, 0x1E, 0xAA,
                0, 0, 0, 3, 0x06, 0x05, 0x80, 0, 0, 0, 4, 0x65, 0x88, 0x84, 0x00);
        TsMuxer muxer = new TsMuxer(4096);
        muxer.startSegment(true, false);
        assertTrue(muxer.writeVideo(avc, new UnsafeBuffer(key), 0, key.length, 0, 0, true));
        TsAnalyzer.Segment s = new TsAnalyzer().analyze(muxer.copySegment(), false);
        TsAnalyzer.Pes pes = s.pes().get(0);
        assertArrayEquals(bytes(0, 0, 0, 1, 0x09, 0xF0, 0, 0, 0, 1, 0x67, 0x42, 0x00, 0x1E, 0xAA,
                0, 0, 0, 1, 0x68, 0xCE, 0x38, 0x80, 0, 0, 0, 1, 0x06, 0x05, 0x80,
                0, 0, 0, 1, 0x65, 0x88, 0x84, 0x00), pes.es());
        assertTrue(pes.randomAccess());
        assertEquals(TsMuxer.TIMESTAMP_OFFSET_MS * 90, pes.dts());
        assertEquals((TsMuxer.TIMESTAMP_OFFSET_MS - TsMuxer.PCR_LEAD_MS) * 90, pes.pcrBase());
    }

    @Test
    void shouldReadTwoByteNalLengthsAndLeaveNonKeyframesWithoutParameterSets() {
        byte[] record = avcRecord(1);
        AvcDecoderConfigurationRecord avc =
                AvcDecoderConfigurationRecord.parse(new UnsafeBuffer(record), 0, record.length);
        assertEquals(2, avc.nalUnitLengthSize());
        byte[] frame = bytes(0, 3, 0x41, 0x9A, 0x01);
        TsMuxer muxer = new TsMuxer(4096);
        muxer.startSegment(true, false);
        assertTrue(muxer.writeVideo(avc, new UnsafeBuffer(frame), 0, frame.length, 40, 80, false));
        TsAnalyzer.Pes pes = new TsAnalyzer().analyze(muxer.copySegment(), false).pes().get(0);
        assertArrayEquals(bytes(0, 0, 0, 1, 0x09, 0xF0, 0, 0, 0, 1, 0x41, 0x9A, 0x01), pes.es());
        assertFalse(pes.randomAccess());
        assertEquals((TsMuxer.TIMESTAMP_OFFSET_MS + 40) * 90, pes.dts());
        assertEquals((TsMuxer.TIMESTAMP_OFFSET_MS + 120) * 90, pes.pts());
    }

    @Test
    void shouldRefuseAFrameWhoseNalLengthRunsPastItsEnd() {
        byte[] record = avcRecord(3);
        AvcDecoderConfigurationRecord avc =
                AvcDecoderConfigurationRecord.parse(new UnsafeBuffer(record), 0, record.length);
        TsMuxer muxer = new TsMuxer(4096);
        muxer.startSegment(true, false);
        byte[] frame = bytes(0, 0, 0, 9, 0x41, 0x9A);
        assertFalse(muxer.writeVideo(avc, new UnsafeBuffer(frame), 0, frame.length, 0, 0, false));
        assertEquals(2 * TsPacketWriter.PACKET_LENGTH, muxer.length(), "nothing written");
    }
}
