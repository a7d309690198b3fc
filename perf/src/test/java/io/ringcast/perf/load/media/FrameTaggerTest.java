package io.ringcast.perf.load.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class FrameTaggerTest {
    @Test
    void shouldReadBackTheSequenceFromTheFirstBytesOfATaggedFrame() {
        byte[] original = FlvBytes.avcFrame(true, 500);
        byte[] tagged = FrameTagger.withTag(original);
        for (long sequence : new long[] {0, 1, 29, 0xABCDEF, Long.MAX_VALUE}) {
            FrameTagger.writeSequence(tagged, sequence);
            byte[] prefix = Arrays.copyOf(tagged, FrameTagger.PREFIX_BYTES);
            assertEquals(sequence, FrameTagger.readSequence(new UnsafeBuffer(prefix), 0, prefix.length));
        }
    }

    @Test
    void shouldInsertAnSeiNalUnitWithoutZeroBytesBeforeTheFramesOwnNalUnits() {
        byte[] original = FlvBytes.avcFrame(false, 300);
        byte[] tagged = FrameTagger.withTag(original);
        FrameTagger.writeSequence(tagged, 0);

        assertEquals(original.length + FrameTagger.TAG_BYTES, tagged.length);
        assertArrayEquals(Arrays.copyOf(original, 5), Arrays.copyOf(tagged, 5), "FLV video header kept");
        assertArrayEquals(new byte[] {0, 0, 0, 36}, Arrays.copyOfRange(tagged, 5, 9), "AVCC length prefix");
        assertEquals(6, tagged[9] & 0x1F, "nal_unit_type SEI");
        assertEquals(5, tagged[10], "payloadType user_data_unregistered");
        assertEquals(32, tagged[11], "payloadSize: uuid and 16 digits");
        assertEquals((byte) 0x80, tagged[44], "rbsp trailing bits");
        for (int i = 9; i < 45; i++) {
            assertNotEquals(0, tagged[i], "no zero byte in the NAL unit, so no emulation prevention: index " + i);
        }
        assertArrayEquals(Arrays.copyOfRange(original, 5, original.length),
                Arrays.copyOfRange(tagged, 45, tagged.length), "the frame's own NAL units follow intact");
    }

    @Test
    void shouldFindNoSequenceInFramesWithoutOurTag() {
        byte[] untagged = FlvBytes.avcFrame(true, 100);
        assertEquals(FrameTagger.NO_SEQUENCE, FrameTagger.readSequence(new UnsafeBuffer(untagged), 0,
                untagged.length));
        byte[] tagged = FrameTagger.withTag(untagged);
        assertEquals(FrameTagger.NO_SEQUENCE, FrameTagger.readSequence(new UnsafeBuffer(tagged), 0,
                FrameTagger.PREFIX_BYTES - 1), "a short prefix");
        tagged[20] ^= 1;
        assertEquals(FrameTagger.NO_SEQUENCE, FrameTagger.readSequence(new UnsafeBuffer(tagged), 0, tagged.length),
                "another UUID");
        assertThrows(IllegalArgumentException.class, () -> FrameTagger.withTag(FlvBytes.avcSequenceHeader()));
    }
}
