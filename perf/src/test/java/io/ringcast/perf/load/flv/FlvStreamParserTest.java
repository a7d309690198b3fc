package io.ringcast.perf.load.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.perf.load.media.FlvBytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class FlvStreamParserTest {
    private static final int PREFIX_BYTES = 8;

    @Test
    void shouldDeliverEveryMediaTagWithItsPrefixWhereverTheBytesAreSplit() {
        byte[] video = FlvBytes.avcFrame(true, 500);
        byte[] audio = FlvBytes.aacFrame(3);
        byte[] wire = FlvBytes.withHeader()
                .tag(18, 0, new byte[] {2, 0, 1, 'x'})
                .tag(9, 40, video)
                .tag(8, 0x0200_0001L, audio)
                .tag(9, 80, new byte[0])
                .toByteArray();
        List<String> expected = List.of(
                "9@40 " + video.length + " " + Arrays.toString(Arrays.copyOf(video, PREFIX_BYTES)),
                "8@" + 0x0200_0001L + " 5 " + Arrays.toString(audio),
                "9@80 0 []");
        for (int split = 0; split <= wire.length; split++) {
            for (int piece : new int[] {1, 7, wire.length}) {
                List<String> tags = new ArrayList<>();
                FlvStreamParser parser = new FlvStreamParser((type, timestampMs, prefix, prefixLength, length) -> {
                    byte[] bytes = new byte[prefixLength];
                    prefix.getBytes(0, bytes);
                    tags.add(type + "@" + timestampMs + " " + length + " " + Arrays.toString(bytes));
                }, PREFIX_BYTES);
                UnsafeBuffer buffer = new UnsafeBuffer(wire);
                for (int[] range : new int[][] {{0, split}, {split, wire.length}}) {
                    for (int p = range[0]; p < range[1]; p += piece) {
                        parser.onData(buffer, p, Math.min(piece, range[1] - p));
                    }
                }
                assertEquals(expected, tags, "split at " + split + ", pieces of " + piece);
                assertEquals(4, parser.tags());
            }
        }
    }

    @Test
    void shouldAskForTheFileHeaderThenEachTagHeaderThenEachBodyWithItsPreviousTagSize() {
        byte[] video = FlvBytes.avcFrame(true, 500);
        byte[] audio = FlvBytes.aacFrame(3);
        byte[] wire = FlvBytes.withHeader().tag(9, 40, video).tag(8, 41, audio).tag(9, 80, new byte[0])
                .toByteArray();
        List<String> bulk = new ArrayList<>();
        new FlvStreamParser(recorder(bulk), PREFIX_BYTES).onData(new UnsafeBuffer(wire), 0, wire.length);

        List<String> tags = new ArrayList<>();
        FlvStreamParser parser = new FlvStreamParser(recorder(tags), PREFIX_BYTES);
        List<Integer> wanted = new ArrayList<>();
        for (int position = 0; position < wire.length; ) {
            int bytes = parser.bytesToUnitEnd();
            assertTrue(bytes > 0, "asks for nothing at byte " + position);
            wanted.add(bytes);
            parser.onData(new UnsafeBuffer(wire), position, bytes);
            position += bytes;
        }

        assertEquals(List.of(13, 11, video.length + 4, 11, audio.length + 4, 11, 4), wanted);
        assertEquals(bulk, tags);
        assertEquals(3, tags.size());
    }

    @Test
    void shouldAskForTheRestOfAUnitAfterAShortRead() {
        byte[] wire = FlvBytes.withHeader().tag(9, 40, FlvBytes.avcFrame(true, 100)).toByteArray();
        FlvStreamParser parser = new FlvStreamParser((type, timestampMs, prefix, prefixLength, length) -> { },
                PREFIX_BYTES);
        UnsafeBuffer buffer = new UnsafeBuffer(wire);
        parser.onData(buffer, 0, 5);
        assertEquals(8, parser.bytesToUnitEnd(), "the rest of the file header and PreviousTagSize0");
        parser.onData(buffer, 5, 12);
        assertEquals(7, parser.bytesToUnitEnd(), "the rest of the tag header");
        parser.onData(buffer, 17, 7);
        parser.onData(buffer, 24, 9);
        assertEquals(109 + 4 - 9, parser.bytesToUnitEnd(), "the rest of the body and its PreviousTagSize");
    }

    @Test
    void shouldRefuseABodyThatIsNoFlvStream() {
        byte[] html = "<html><body>not found</body></html>".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        FlvStreamParser parser = new FlvStreamParser((type, timestampMs, prefix, prefixLength, length) -> { },
                PREFIX_BYTES);
        assertThrows(StreamFormatException.class, () -> parser.onData(new UnsafeBuffer(html), 0, html.length));
    }

    private static FlvStreamParser.Listener recorder(List<String> tags) {
        return (type, timestampMs, prefix, prefixLength, length) -> {
            byte[] bytes = new byte[prefixLength];
            prefix.getBytes(0, bytes);
            tags.add(type + "@" + timestampMs + " " + length + " " + Arrays.toString(bytes));
        };
    }
}
