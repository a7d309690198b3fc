package io.ringcast.ingest.fuzz;

import static io.ringcast.ingest.fuzz.FuzzChecks.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringcast.ingest.RtmpProtocolException;
import io.ringcast.ingest.flv.AvcDecoderConfigurationRecord;
import io.ringcast.ingest.flv.SpsInfo;
import io.ringcast.ingest.flv.SpsParser;
import io.ringcast.ingest.flv.VideoTagHeader;
import org.agrona.DirectBuffer;

/**
 * Fuzz target for the video tag parsers as ingest chains them: FLV video tag header, then for an AVC sequence
 * header the AVCDecoderConfigurationRecord and each SPS; other AVC bodies go straight to the SPS parser. Only
 * {@link RtmpProtocolException} may escape, and a parsed SPS has a positive size. Seeds: sequence headers and
 * frames of real ffmpeg FLV files and the ffmpeg RTMP capture ({@code VideoTagFuzzTestInputs/parsesOrRejects/}).
 */
class VideoTagFuzzTest {
    /** SpsParser caps pic_width_in_mbs_minus1 and pic_height_in_map_units_minus1 at 4096; field coding doubles. */
    private static final int MAX_SIDE_PIXELS = ((1 << 12) + 1) * 16 * 2;

    @FuzzTest(maxDuration = "30s")
    void parsesOrRejects(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of Jazzer's command-line driver (BoundedFuzzer). */
    public static void fuzzerTestOneInput(byte[] input) {
        FuzzChecks.parseOrReject(input, VideoTagFuzzTest::parse);
    }

    /** Parses a video message body (FLV VIDEODATA) the way ingest probes it. */
    static void parse(DirectBuffer buffer, int offset, int length) {
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
                    new AvcDecoderConfigurationRecord().wrap(buffer, bodyOffset, bodyLength);
            check(record.spsCount() >= 1, "a record has an SPS");
            for (int i = 0; i < record.spsCount(); i++) {
                check(record.spsOffset(i) >= bodyOffset
                        && record.spsOffset(i) + record.spsLength(i) <= bodyOffset + bodyLength, "SPS within body");
                checkSps(spsParser.parse(buffer, record.spsOffset(i), record.spsLength(i)));
            }
            for (int i = 0; i < record.ppsCount(); i++) {
                check(record.ppsOffset(i) + record.ppsLength(i) <= bodyOffset + bodyLength, "PPS within body");
            }
        } else {
            checkSps(spsParser.parse(buffer, bodyOffset, bodyLength));
        }
    }

    private static void checkSps(SpsInfo sps) {
        check(sps.width() > 0 && sps.height() > 0, "positive picture size");
        check(sps.width() <= MAX_SIDE_PIXELS && sps.height() <= MAX_SIDE_PIXELS, "picture size within H.264 limits");
    }
}
