package io.ringcast.perf.load.flv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ChunkedBodyDecoderTest {
    private static final String BODY = """
            1a\r
            abcdefghijklmnopqrstuvwxyz\r
            5;name=value\r
            01234\r
            A \r
            0123456789\r
            0\r
            X-Trailer: 1\r
            \r
            ignored""";

    @Test
    void shouldPassTheChunkDataOnWhereverTheBytesAreSplit() {
        byte[] wire = BODY.getBytes(StandardCharsets.US_ASCII);
        byte[] data = "abcdefghijklmnopqrstuvwxyz012340123456789".getBytes(StandardCharsets.US_ASCII);
        for (int split = 0; split <= wire.length; split++) {
            for (int piece : new int[] {1, wire.length}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ChunkedBodyDecoder decoder = new ChunkedBodyDecoder((buffer, offset, length) -> {
                    byte[] bytes = new byte[length];
                    buffer.getBytes(offset, bytes);
                    out.writeBytes(bytes);
                });
                feed(decoder, wire, 0, split, piece);
                assertFalse(split < wire.length - "ignored".length() && decoder.isDone(), "done too early");
                feed(decoder, wire, split, wire.length, piece);
                assertArrayEquals(data, out.toByteArray(), "split at " + split + ", pieces of " + piece);
                assertTrue(decoder.isDone());
            }
        }
    }

    @Test
    void shouldRefuseBrokenFraming() {
        for (String broken : new String[] {"x\r\n", "\r\n", "3\r\nabcX\r\n", "3\r\nabc\rX"}) {
            ChunkedBodyDecoder decoder = new ChunkedBodyDecoder((buffer, offset, length) -> { });
            byte[] wire = broken.getBytes(StandardCharsets.US_ASCII);
            assertThrows(StreamFormatException.class, () -> decoder.decode(new UnsafeBuffer(wire), 0, wire.length),
                    broken);
        }
    }

    private static void feed(ChunkedBodyDecoder decoder, byte[] wire, int from, int to, int piece) {
        UnsafeBuffer buffer = new UnsafeBuffer(wire);
        for (int p = from; p < to; p += piece) {
            decoder.decode(buffer, p, Math.min(piece, to - p));
        }
    }
}
