package io.ringcast.broadcast.media.flv;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
class FlvTagTest {
    @Test
    void shouldWriteVideoTagHeaderBodyAndPreviousTagSize() {
        byte[] body = {0x17, 0x01, 0x00, 0x00, 0x28, 0x0a, 0x0b};
        byte[] out = new byte[body.length + FlvTag.OVERHEAD_BYTES];

        int end = FlvTag.write(new UnsafeBuffer(out), 0, FlvTag.TYPE_VIDEO, 0x0123_4567L, body, 0, body.length);

        assertEquals(out.length, end);
        assertArrayEquals(new byte[] {
            9, 0, 0, 7,                     // video, data size 7
            0x23, 0x45, 0x67, 0x01,         // timestamp low 24 bits, then bits 24..31
            0, 0, 0,                        // stream id
            0x17, 0x01, 0x00, 0x00, 0x28, 0x0a, 0x0b,
            0, 0, 0, 18                     // PreviousTagSize = 11 + 7
        }, out);
    }

    @Test
    void shouldWriteScriptTagWithBigDataSize() {
        byte[] body = new byte[0x01_0203];
        byte[] out = new byte[body.length + FlvTag.OVERHEAD_BYTES];

        FlvTag.write(new UnsafeBuffer(out), 0, FlvTag.TYPE_SCRIPT, 0, body, 0, body.length);

        assertArrayEquals(new byte[] {18, 0x01, 0x02, 0x03, 0, 0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOf(out, 11));
        int previousTagSize = 11 + 0x01_0203;
        assertArrayEquals(new byte[] {0, (byte) (previousTagSize >>> 16), (byte) (previousTagSize >>> 8),
            (byte) previousTagSize}, java.util.Arrays.copyOfRange(out, out.length - 4, out.length));
    }

    @Test
    void shouldFrameAPayloadInPlaceUsingHeadroomAndTailroom() {
        byte[] out = new byte[32];
        UnsafeBuffer buffer = new UnsafeBuffer(out);
        int offset = 12;
        byte[] audio = {(byte) 0xaf, 0x01, 0x21, 0x22};
        buffer.putBytes(offset, audio);

        FlvTag.putHeader(buffer, offset - FlvTag.HEADER_BYTES, FlvTag.TYPE_AUDIO, audio.length, 1000);
        FlvTag.putPreviousTagSize(buffer, offset + audio.length, audio.length);

        assertArrayEquals(new byte[] {8, 0, 0, 4, 0, 0x03, (byte) 0xe8, 0, 0, 0, 0,
            (byte) 0xaf, 0x01, 0x21, 0x22, 0, 0, 0, 15},
                java.util.Arrays.copyOfRange(out, offset - 11, offset + audio.length + 4));
        assertEquals(0, out[0], "nothing written before the tag header");
    }

    @Test
    void shouldReadBackTheTagHeaderItWrote() {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[FlvTag.HEADER_BYTES]);

        FlvTag.putHeader(buffer, 0, FlvTag.TYPE_SCRIPT, 0x12_3456, 0xFE_DC_BA_98L);

        assertEquals(FlvTag.TYPE_SCRIPT, FlvTag.type(buffer, 0));
        assertEquals(0x12_3456, FlvTag.dataSize(buffer, 0));
        assertEquals(0xFE_DC_BA_98L, FlvTag.timestampMs(buffer, 0), "extended byte on top of the low 24 bits");
    }
}
