package io.ringcast.broadcast.media.aac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.broadcast.media.MediaFormatException;
import java.util.HexFormat;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one AAC configuration parser (ISO/IEC 14496-3 1.6.2.1) and the ADTS header written from it. */
@Timeout(10)
class AudioSpecificConfigTest {
    @Test
    void shouldParseHandBuiltAudioSpecificConfigs() {
        assertEquals(new AudioSpecificConfig(AudioSpecificConfig.AOT_AAC_LC, 6, 24000, 2, true), asc("2b1188"),
            "explicit SBR: core at 24 kHz");
        assertEquals(new AudioSpecificConfig(33, 4, 44100, 1, false), asc("f82820"), "escaped object type");
        assertEquals(new AudioSpecificConfig(AudioSpecificConfig.AOT_AAC_LC, 3, 48000, 1, false), asc("1188"));
        assertEquals(new AudioSpecificConfig(AudioSpecificConfig.AOT_AAC_LC, 4, 44100, 2, false), asc("1210"));
    }

    @Test
    void shouldReadTheExplicit24BitFrequencyThatIndex15Announces() {
        // LC (00010), index 15 (1111), explicit 24-bit frequency 0x00AC44 = 44100 Hz, channel configuration 1.
        assertEquals(new AudioSpecificConfig(AudioSpecificConfig.AOT_AAC_LC, 4, 44100, 1, false), asc("1780562208"),
            "an explicit frequency of the table keeps its index");
        // The same with 0x00AC45 = 44101 Hz: valid AAC, but no table index.
        AudioSpecificConfig odd = asc("1780562288");
        assertEquals(44101, odd.samplingFrequencyHz());
        assertEquals(AudioSpecificConfig.NO_INDEX, odd.samplingFrequencyIndex());
        assertEquals(1, odd.channelConfiguration());
    }

    @Test
    void shouldRefuseReservedIndicesAndTruncation() {
        assertEquals("audio specific config reserved frequency index",
            assertThrows(MediaFormatException.class, () -> asc("1688")).reason(), "index 13 is reserved");
        assertEquals("audio specific config truncated",
            assertThrows(MediaFormatException.class, () -> asc("1780")).reason(), "index 15 without its 24 bits");
        assertThrows(MediaFormatException.class, () -> asc("12"));
        assertThrows(MediaFormatException.class, () -> asc(""));
    }

    @Test
    void shouldWriteAnAdtsHeaderFromTheAudioSpecificConfig() {
        AudioSpecificConfig aac = asc("1210");
        UnsafeBuffer b = new UnsafeBuffer(new byte[AdtsHeader.LENGTH]);

        AdtsHeader.write(b, 0, aac, 100);

        assertArrayEquals(bytes("FFF150800D7FFC"), b.byteArray());
    }

    @Test
    void shouldWriteTheTableIndexOfAnExplicitFrequencyIntoAdts() {
        UnsafeBuffer explicit = new UnsafeBuffer(new byte[AdtsHeader.LENGTH]);
        UnsafeBuffer indexed = new UnsafeBuffer(new byte[AdtsHeader.LENGTH]);

        AdtsHeader.write(explicit, 0, asc("1780562208"), 100);
        AdtsHeader.write(indexed, 0, asc("1208"), 100);

        assertArrayEquals(indexed.byteArray(), explicit.byteArray(), "44100 Hz is index 4 either way");
    }

    @Test
    void shouldSayWhenAdtsCannotDescribeTheStream() {
        assertTrue(AdtsHeader.canDescribe(asc("1210")));
        assertFalse(AdtsHeader.canDescribe(asc("1780562288")), "44101 Hz has no 4-bit index");
        assertFalse(AdtsHeader.canDescribe(asc("1200")), "channel configuration 0 is in-band");
    }

    private static AudioSpecificConfig asc(String hex) {
        byte[] bytes = bytes(hex);
        return AudioSpecificConfig.parse(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
