package io.ringcast.ops.report;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IntervalDecoderTest {
    /** A count whose ZigZag form needs the ninth byte's top bit: HdrHistogram's longest encoding. */
    private static final long HUGE_COUNT = 1L << 62;

    @Test
    void shouldReadCountsOfNineBytesBothByEntriesAndStraightIntoASum() {
        Histogram histogram = new Histogram(3_600_000_000L, 3);
        histogram.recordValueWithCount(1_000, HUGE_COUNT);
        // The next index: its count follows the huge one with no zero run between them.
        histogram.recordValueWithCount(1_001, 3);
        byte[] text = base64(histogram);

        IntervalDecoder entries = new IntervalDecoder();
        entries.decode(text, 0, text.length);
        assertEquals(HUGE_COUNT + 3, entries.totalCount());
        assertEquals(histogram.getMaxValue(), entries.maxValue());
        assertEquals(2, entries.size());
        assertEquals(HUGE_COUNT, entries.counts()[0]);

        IntervalDecoder summing = new IntervalDecoder();
        summing.decode(text, 0, text.length);
        Counts sum = new Counts(summing.layout());
        summing.addTo(sum);
        Histogram summed = sum.toHistogram();
        assertEquals(HUGE_COUNT + 3, summed.getTotalCount());
        assertEquals(histogram.getMinNonZeroValue(), summed.getMinNonZeroValue(), "the lowest counted index");
        assertEquals(histogram.getMaxValue(), summed.getMaxValue());
        assertEquals(HUGE_COUNT, summed.getCountAtValue(1_000));
    }

    private static byte[] base64(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        byte[] compressed = new byte[length];
        buffer.flip().get(compressed);
        return Base64.getEncoder().encodeToString(compressed).getBytes(StandardCharsets.US_ASCII);
    }
}
