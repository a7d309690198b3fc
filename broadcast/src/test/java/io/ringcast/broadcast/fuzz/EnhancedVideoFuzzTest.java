package io.ringcast.broadcast.fuzz;

import static io.ringcast.broadcast.fuzz.MediaFuzzChecks.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringcast.broadcast.media.MediaFormatException;
import io.ringcast.broadcast.media.av1.Av1CodecConfigurationRecord;
import io.ringcast.broadcast.media.av1.Av1SequenceHeader;
import io.ringcast.broadcast.media.flv.VideoTagHeader;
import io.ringcast.broadcast.media.hevc.HevcAnnexB;
import io.ringcast.broadcast.media.hevc.HevcDecoderConfigurationRecord;
import io.ringcast.broadcast.media.hevc.HevcSpsInfo;
import io.ringcast.broadcast.media.hevc.HevcSpsParser;
import io.ringcast.broadcast.media.vp9.VpCodecConfigurationRecord;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Fuzz target for the HEVC, AV1 and VP9 parsers as ingest chains them behind a video tag header (Enhanced RTMP
 * 'hvc1', 'av01', 'vp09', or legacy codec id 12): the header (written back byte for byte), the
 * HEVCDecoderConfigurationRecord (written back byte for byte, its Annex B parameter sets, every SPS), HEVC coded
 * frames to Annex B and back, the AV1CodecConfigurationRecord with its sequence header OBU, the
 * VPCodecConfigurationRecord. Only {@link MediaFormatException} may escape. Seeds: the tag bodies of ffmpeg 7.1's
 * Enhanced FLV for x265 HEVC, SVT-AV1 and libvpx VP9 ({@code EnhancedVideoFuzzTestInputs/parsesOrRejects/}).
 */
public class EnhancedVideoFuzzTest {
    /** pic_width/height_in_luma_samples are capped at 2^16 by HevcSpsParser. */
    private static final int MAX_HEVC_SIDE = 1 << 16;
    /** max_frame_width_minus_1 has at most 16 bits. */
    private static final int MAX_AV1_SIDE = 1 << 16;

    @FuzzTest(maxDuration = "30s")
    void parsesOrRejects(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of Jazzer's command-line driver (BoundedFuzzer). */
    public static void fuzzerTestOneInput(byte[] input) {
        MediaFuzzChecks.parseOrReject(input, EnhancedVideoFuzzTest::parse);
    }

    /** Parses a video message body the way ingest probes an HEVC, AV1 or VP9 track. */
    public static void parse(DirectBuffer buffer, int offset, int length) {
        VideoTagHeader header = new VideoTagHeader().wrap(buffer, offset, length);
        check(header.headerLength() > 0 && header.headerLength() <= length, "header within the body");
        boolean hevc = header.isExtended() ? header.fourCc() == VideoTagHeader.FOURCC_HVC1
                : header.codecId() == VideoTagHeader.CODEC_ID_HEVC;
        if (header.isExtended() && header.fourCc() != 0) {
            checkWrittenBack(buffer, offset, header);
        }
        int bodyOffset = offset + header.headerLength();
        int bodyLength = length - header.headerLength();
        if (hevc && header.isSequenceHeader()) {
            parseHevcRecord(buffer, bodyOffset, bodyLength);
        } else if (hevc && header.isCodedFrame()) {
            convertHevcFrame(buffer, bodyOffset, bodyLength);
        } else if (header.isSequenceHeader() && header.fourCc() == VideoTagHeader.FOURCC_AV01) {
            Av1SequenceHeader sequence = Av1CodecConfigurationRecord.parse(buffer, bodyOffset, bodyLength)
                    .sequenceHeader();
            check(sequence == null || (sequence.width() > 0 && sequence.width() <= MAX_AV1_SIDE
                    && sequence.height() > 0 && sequence.height() <= MAX_AV1_SIDE), "AV1 size within 16 bits");
        } else if (header.isSequenceHeader() && header.fourCc() == VideoTagHeader.FOURCC_VP09) {
            VpCodecConfigurationRecord record = VpCodecConfigurationRecord.parse(buffer, bodyOffset, bodyLength);
            check(record.toBytes().length == bodyLength, "the VP9 record is the whole body");
        }
    }

    private static void checkWrittenBack(DirectBuffer buffer, int offset, VideoTagHeader header) {
        UnsafeBuffer out = new UnsafeBuffer(new byte[VideoTagHeader.EX_HEADER_WITH_CTS_LENGTH]);
        int written = VideoTagHeader.writeEnhanced(out, 0, header.frameType(), header.packetType(), header.fourCc(),
                header.compositionTimeOffsetMs());
        check(written == header.headerLength(), "the writer's header length is the reader's");
        for (int i = 0; i < written; i++) {
            check(out.getByte(i) == buffer.getByte(offset + i), "the header writes back byte for byte");
        }
    }

    private static void parseHevcRecord(DirectBuffer buffer, int offset, int length) {
        HevcDecoderConfigurationRecord record = HevcDecoderConfigurationRecord.parse(buffer, offset, length);
        byte[] bytes = record.toBytes();
        byte[] original = new byte[length];
        buffer.getBytes(offset, original);
        check(Arrays.equals(bytes, Arrays.copyOf(original, bytes.length)), "the record writes back byte for byte");
        int parameterSetBytes = 0;
        for (int type = HevcAnnexB.NAL_VPS; type <= HevcAnnexB.NAL_PPS; type++) {
            for (int i = 0; i < record.count(type); i++) {
                parameterSetBytes += HevcAnnexB.START_CODE_LENGTH + record.unit(type, i).length;
            }
        }
        check(record.parameterSetsAnnexB().length == parameterSetBytes,
                "Annex B parameter sets are the record's VPS, SPS and PPS behind start codes");
        HevcSpsParser parser = new HevcSpsParser();
        for (int i = 0; i < record.count(HevcAnnexB.NAL_SPS); i++) {
            byte[] sps = record.unit(HevcAnnexB.NAL_SPS, i);
            HevcSpsInfo info = parser.parse(new UnsafeBuffer(sps), 0, sps.length);
            check(info.width() > 0 && info.height() > 0, "positive picture size");
            check(info.width() <= MAX_HEVC_SIDE && info.height() <= MAX_HEVC_SIDE, "picture size within limits");
        }
    }

    private static void convertHevcFrame(DirectBuffer buffer, int offset, int length) {
        ExpandableArrayBuffer annexB = new ExpandableArrayBuffer(Math.max(length * 2, 64));
        int annexBLength = HevcAnnexB.convert(buffer, offset, length, 4, annexB, 0, false);
        if (annexBLength == HevcAnnexB.MALFORMED) {
            return;
        }
        check(annexBLength <= length, "4-byte lengths become 4-byte start codes; AUDs are dropped");
        if (annexBLength > 0) {
            ExpandableArrayBuffer back = new ExpandableArrayBuffer(annexBLength + 64);
            int backLength = HevcAnnexB.toLengthPrefixed(annexB, 0, annexBLength, back, 0);
            check(backLength != HevcAnnexB.MALFORMED, "converted data starts with a start code");
        }
    }
}
