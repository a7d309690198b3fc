package io.ringcast.broadcast.latency;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
}
