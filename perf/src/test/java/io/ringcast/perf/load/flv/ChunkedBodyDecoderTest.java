package io.ringcast.perf.load.flv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * Data units of 13, 11, 44 and 30 bytes (an FLV header, a tag header, a body, a body split over two chunks) in
     * chunks of 13, 55, 20 and 10 bytes: each read asks for the unit's rest plus the shortest framing before it.
     */
    @Test
    void shouldAskForNoBodyBytesBeyondTheDataUnitInProgress() {
        String data = "d".repeat(13) + "h".repeat(11) + "b".repeat(44) + "s".repeat(30);
        String body = "d\r\n" + data.substring(0, 13) + "\r\n37\r\n" + data.substring(13, 68)
                + "\r\n14;x=y\r\n" + data.substring(68, 88) + "\r\na\r\n" + data.substring(88) + "\r\n0\r\n\r\n";
        byte[] wire = body.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChunkedBodyDecoder decoder = new ChunkedBodyDecoder((buffer, offset, length) -> {
            byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            out.writeBytes(bytes);
        });
        UnsafeBuffer buffer = new UnsafeBuffer(wire);
        List<Integer> wanted = new ArrayList<>();
        int position = 0;
        for (int unit : new int[] {13, 11, 44, 30}) {
            int unitEnd = out.size() + unit;
            while (out.size() < unitEnd) {
                int bytes = decoder.minimumBodyBytes(unitEnd - out.size());
                assertTrue(bytes > 0, "asks for nothing at body byte " + position);
                wanted.add(bytes);
                decoder.decode(buffer, position, bytes);
                position += bytes;
                assertTrue(out.size() <= unitEnd, "read past the unit at body byte " + position);
            }
        }

        assertEquals(List.of(16, 16, 1, 44, 35, 10), wanted);
        assertArrayEquals(data.getBytes(StandardCharsets.US_ASCII), out.toByteArray());
        assertEquals(11 + 5, decoder.minimumBodyBytes(11), "a CRLF and a one-digit size line may come first");
        decoder.decode(buffer, position, wire.length - position);
        assertTrue(decoder.isDone());
        assertEquals(1, decoder.minimumBodyBytes(11), "no data follows the last chunk");
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
