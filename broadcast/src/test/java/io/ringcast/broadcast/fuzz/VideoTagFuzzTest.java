package io.ringcast.broadcast.fuzz;

import static io.ringcast.broadcast.fuzz.MediaFuzzChecks.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringcast.broadcast.media.MediaFormatException;
import io.ringcast.broadcast.media.avc.AnnexB;
import io.ringcast.broadcast.media.avc.AvcDecoderConfigurationRecord;
import io.ringcast.broadcast.media.avc.SpsInfo;
import io.ringcast.broadcast.media.avc.SpsParser;
import io.ringcast.broadcast.media.flv.VideoTagHeader;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Fuzz target for the video tag parsers as ingest chains them: FLV video tag header, then for an AVC sequence
 * header the AVCDecoderConfigurationRecord (its Annex B parameter sets) and each SPS; other AVC bodies go straight
 * to the SPS parser. Only
 * {@link MediaFormatException} may escape, and a parsed SPS has a positive size. Seeds: sequence headers and
 * frames of real ffmpeg FLV files and the ffmpeg RTMP capture ({@code VideoTagFuzzTestInputs/parsesOrRejects/}).
 */
public class VideoTagFuzzTest {
    /** SpsParser caps pic_width_in_mbs_minus1 and pic_height_in_map_units_minus1 at 4096; field coding doubles. */
    private static final int MAX_SIDE_PIXELS = ((1 << 12) + 1) * 16 * 2;

    @FuzzTest(maxDuration = "30s")
    void parsesOrRejects(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of Jazzer's command-line driver (BoundedFuzzer). */
    public static void fuzzerTestOneInput(byte[] input) {
        MediaFuzzChecks.parseOrReject(input, VideoTagFuzzTest::parse);
    }

    /** Parses a video message body (FLV VIDEODATA) the way ingest probes it. */
    public static void parse(DirectBuffer buffer, int offset, int length) {
        VideoTagHeader header = new VideoTagHeader().wrap(buffer, offset, length);
        check(header.headerLength() > 0 && header.headerLength() <= length, "header within the body");
        if (header.codecId() != VideoTagHeader.CODEC_ID_AVC) {
            return;
        }
        int bodyOffset = offset + header.headerLength();
        int bodyLength = length - header.headerLength();
        SpsParser spsParser = new SpsParser();
        if (header.isSequenceHeader()) {
            AvcDecoderConfigurationRecord record =
                    AvcDecoderConfigurationRecord.parse(buffer, bodyOffset, bodyLength);
            check(record.spsCount() >= 1, "a record has an SPS");
            int parameterSetBytes = 0;
            for (int i = 0; i < record.spsCount(); i++) {
                byte[] sps = record.sps(i);
                parameterSetBytes += AnnexB.START_CODE_LENGTH + sps.length;
                checkSps(spsParser.parse(new UnsafeBuffer(sps), 0, sps.length));
            }
            for (int i = 0; i < record.ppsCount(); i++) {
                parameterSetBytes += AnnexB.START_CODE_LENGTH + record.pps(i).length;
            }
            check(record.parameterSetsAnnexB().length == parameterSetBytes,
                    "Annex B parameter sets are the record's SPS and PPS behind start codes");
        } else {
            checkSps(spsParser.parse(buffer, bodyOffset, bodyLength));
        }
    }

    private static void checkSps(SpsInfo sps) {
        check(sps.width() > 0 && sps.height() > 0, "positive picture size");
        check(sps.width() <= MAX_SIDE_PIXELS && sps.height() <= MAX_SIDE_PIXELS, "picture size within H.264 limits");
    }
}
