package io.ringcast.broadcast.fuzz;

import static io.ringcast.broadcast.fuzz.MediaFuzzChecks.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringcast.broadcast.media.MediaFormatException;
import io.ringcast.broadcast.media.aac.AdtsHeader;
import io.ringcast.broadcast.media.aac.AudioSpecificConfig;
import io.ringcast.broadcast.media.flv.AudioTagHeader;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Fuzz target for the audio tag parsers as ingest chains them: FLV audio tag header, then for AAC the
 * AudioSpecificConfig (for every AAC body, not only sequence headers, to reach it more often) and the ADTS header
 * written from it. Only
 * {@link MediaFormatException} may escape. Seeds: AAC sequence headers and frames of a real ffmpeg FLV file and
 * the ffmpeg RTMP capture ({@code AudioTagFuzzTestInputs/parsesOrRejects/}).
 */
public class AudioTagFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parsesOrRejects(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of Jazzer's command-line driver (BoundedFuzzer). */
    public static void fuzzerTestOneInput(byte[] input) {
        MediaFuzzChecks.parseOrReject(input, AudioTagFuzzTest::parse);
    }

    /** Parses an audio message body (FLV AUDIODATA) the way ingest probes it. */
    public static void parse(DirectBuffer buffer, int offset, int length) {
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
        check(asc.samplingFrequencyIndex() >= AudioSpecificConfig.NO_INDEX && asc.samplingFrequencyIndex() < 13,
                "a table index or none");
        if (AdtsHeader.canDescribe(asc)) {
            UnsafeBuffer adts = new UnsafeBuffer(new byte[AdtsHeader.LENGTH]);
            AdtsHeader.write(adts, 0, asc, length);
            check((adts.getByte(0) & 0xFF) == 0xFF && (adts.getByte(1) & 0xF6) == 0xF0, "an ADTS syncword");
            check(((adts.getByte(2) >> 2) & 0xF) == asc.samplingFrequencyIndex(), "the table index in ADTS");
        }
    }
}
