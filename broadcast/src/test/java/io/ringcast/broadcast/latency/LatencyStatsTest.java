package io.ringcast.broadcast.latency;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class LatencyStatsTest {
    @Test
    void shouldAccumulateIntervalsIntoTheTotalAcrossManySamples() {
        LatencyStats stats = new LatencyStats("httpflv");
        for (int interval = 1; interval <= 5; interval++) {
            for (int i = 0; i < 100; i++) {
                stats.record(interval * 1_000L);
            }
            Histogram sampled = stats.sampleInterval();
            assertEquals(100, sampled.getTotalCount(), "interval " + interval);
            assertEquals(interval * 1_000.0, (double) sampled.getValueAtPercentile(50), interval * 1_000.0 / 100.0);
        }
        Histogram total = stats.total();
        assertEquals(500, total.getTotalCount());
        assertEquals(5_000.0, (double) total.getMaxValue(), 5.0);
        assertEquals(0, stats.sampleInterval().getTotalCount(), "nothing recorded since the last sample");
    }

    @Test
    void shouldClampLatenciesIntoTheTrackableRange() {
        LatencyStats stats = new LatencyStats("rtmp");
        stats.record(-5);
        stats.record(Long.MAX_VALUE);
        Histogram total = stats.sampleInterval();
        assertEquals(2, total.getTotalCount());
        assertEquals(1, total.getMinValue());
    }

    @Test
    void shouldCountSampledValuesIntoFixedBucketsWithTheirSum() {
        LatencyStats stats = new LatencyStats("httpflv");
        long[] counts = new long[LatencyBuckets.boundCount() + 1];
        assertEquals(0.0, stats.bucketCounts(counts));
        stats.record(100_000); // exactly the first bound: inclusive
        stats.record(150_000); // (100 us, 200 us]
        stats.record(3_000_000); // (2 ms, 5 ms]
        assertEquals(0, stats.bucketCounts(counts), 0.0, "nothing before the housekeeping thread samples");
        stats.sampleInterval();
        stats.record(20_000_000_000L); // above 10 s: the overflow bucket, in the next interval
        stats.sampleInterval();
        double sumNs = stats.bucketCounts(counts);
        assertEquals(1, counts[0]);
        assertEquals(1, counts[1]);
        assertEquals(1, counts[5]);
        assertEquals(1, counts[LatencyBuckets.boundCount()]);
        assertEquals(4, java.util.Arrays.stream(counts).sum());
        assertEquals(20_003_250_000.0, sumNs, 20_003_250_000.0 / 1_000, "within HdrHistogram's 3 digits");
        assertEquals(5_000_000, LatencyBuckets.upperBoundNs(5));
        assertEquals(10_000_000_000L, LatencyBuckets.upperBoundNs(LatencyBuckets.boundCount() - 1));
    }

    @Test
    void shouldSampleIntervalsWithoutCopyingTheFullRangeHistogram() {
        LatencyStats stats = new LatencyStats("rtmp");
        LatencyStats.Writer worker = stats.writerFor(0);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long before = threads.getThreadAllocatedBytes(self);
            for (int second = 0; second < 10; second++) {
                worker.record(2_000_000);
                stats.record(3_000_000);
                assertEquals(2, stats.sampleInterval().getTotalCount());
            }
            best = Math.min(best, threads.getThreadAllocatedBytes(self) - before);
        }
        // A copy of the interval per sample was about 220 KB (1 ns .. 1 min at 3 digits): 2 MB a round. What is left
        // is the recorders' small bookkeeping (about 200 bytes a sample).
        assertTrue(best < 16 * 1024, "bytes allocated by 10 samples: " + best);
        assertEquals(100, stats.total().getTotalCount());
    }
}
