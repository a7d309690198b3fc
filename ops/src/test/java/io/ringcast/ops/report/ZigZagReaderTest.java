package io.ringcast.ops.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ZigZagReaderTest {
    @Test
    void shouldReadOneToNineByteNumbersAndMovePastEach() {
        byte[] payload = bytes(
                0x00,                                           // 0
                0x02,                                           // 1
                0x01,                                           // -1: a run of one zero count
                0x7e,                                           // 63
                0x80, 0x01,                                     // 64
                0xef, 0x2e,                                     // -3000
                0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,   // 2^62: the ninth byte's top bit is data
                0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   // Long.MAX_VALUE
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);  // Long.MIN_VALUE
        long[] expected = {0, 1, -1, 63, 64, -3000, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE};
        int[] positionsAfter = {1, 2, 3, 4, 6, 8, 17, 26, 35};
        ZigZagReader reader = new ZigZagReader();
        reader.wrap(payload, 0);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], reader.next(), "number " + i);
            assertEquals(positionsAfter[i], reader.position(), "position after number " + i);
        }
    }

    @Test
    void shouldStartWhereItIsWrapped() {
        ZigZagReader reader = new ZigZagReader();
        reader.wrap(bytes(0x7e, 0x80, 0x01), 1);
        assertEquals(64, reader.next());
        assertEquals(3, reader.position());
    }

    @Test
    void shouldThrowWhenANumberRunsPastTheBuffer() {
        ZigZagReader reader = new ZigZagReader();
        reader.wrap(bytes(0x80, 0x80), 0);
        assertThrows(ArrayIndexOutOfBoundsException.class, reader::next);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
