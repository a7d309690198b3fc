package io.ringcast.ingest.fuzz;

import static io.ringcast.ingest.fuzz.FuzzChecks.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringcast.ingest.RtmpProtocolException;
import io.ringcast.ingest.flv.AudioSpecificConfig;
import io.ringcast.ingest.flv.AudioTagHeader;
import org.agrona.DirectBuffer;

/**
 * Fuzz target for the audio tag parsers as ingest chains them: FLV audio tag header, then for AAC the
 * AudioSpecificConfig (for every AAC body, not only sequence headers, to reach it more often). Only
 * {@link RtmpProtocolException} may escape. Seeds: AAC sequence headers and frames of a real ffmpeg FLV file and
 * the ffmpeg RTMP capture ({@code AudioTagFuzzTestInputs/parsesOrRejects/}).
 */
class AudioTagFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parsesOrRejects(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of Jazzer's command-line driver (BoundedFuzzer). */
    public static void fuzzerTestOneInput(byte[] input) {
        FuzzChecks.parseOrReject(input, AudioTagFuzzTest::parse);
    }

    /** Parses an audio message body (FLV AUDIODATA) the way ingest probes it. */
    static void parse(DirectBuffer buffer, int offset, int length) {
        AudioTagHeader header = new AudioTagHeader().wrap(buffer, offset, length);
        check(header.headerLength() > 0 && header.headerLength() <= length, "header within the body");
        check(header.soundRateHz() > 0, "a known sound rate");
        if (header.soundFormat() != AudioTagHeader.FORMAT_AAC) {
            return;
        }
        AudioSpecificConfig asc = AudioSpecificConfig.parse(
                buffer, offset + header.headerLength(), length - header.headerLength());
        check(asc.samplingFrequencyHz() >= 0, "a sampling frequency");
        check(asc.channelConfiguration() >= 0 && asc.channelConfiguration() < 16, "a 4-bit channel configuration");
    }
}
