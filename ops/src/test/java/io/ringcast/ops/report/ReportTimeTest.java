package io.ringcast.ops.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ReportTimeTest {
    private static final long NOW_MS = Instant.parse("2024-03-01T12:00:00Z").toEpochMilli();

    @Test
    void shouldReadIsoTimesAsUtcUnlessTheyHaveAnOffset() {
        assertEquals(NOW_MS, ReportTime.parse("2024-03-01T12:00:00Z", 0));
        assertEquals(NOW_MS, ReportTime.parse("2024-03-01T12:00", 0));
        assertEquals(NOW_MS, ReportTime.parse("2024-03-01T14:00:00+02:00", 0));
        assertEquals(NOW_MS - 12 * 3_600_000L, ReportTime.parse("2024-03-01", 0));
    }

    @Test
    void shouldCountRelativeTimesBackFromNow() {
        assertEquals(NOW_MS, ReportTime.parse("now", NOW_MS));
        assertEquals(NOW_MS - 90_000, ReportTime.parse("-90s", NOW_MS));
        assertEquals(NOW_MS - 30 * 60_000, ReportTime.parse("-30m", NOW_MS));
        assertEquals(NOW_MS - 3_600_000, ReportTime.parse(" -1h ", NOW_MS));
        assertEquals(NOW_MS - 2 * 86_400_000L, ReportTime.parse("-2d", NOW_MS));
    }

    @Test
    void shouldNameWhatItCannotRead() {
        for (String bad : new String[] {"", "soon", "-1w", "+1h", "-h", "2024-13-01", "-1234567h"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ReportTime.parse(bad, NOW_MS), bad);
            assertTrue(e.getMessage().contains("not a time"), e.getMessage());
        }
    }

    @Test
    void shouldRefuseTimesOutOfRangeWithTheReasonInsteadOfOverflowing() {
        for (String far : new String[] {"+1000000000-01-01T00:00:00Z", "-1000000000-01-01T00:00:00Z",
            "+999999999-12-31T23:59:59", "+10000-01-01", "+10000-01-01T12:00+01:00", "-999999d"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ReportTime.parse(far, NOW_MS), far);
            assertTrue(e.getMessage().contains("out of range") && e.getMessage().contains(far), e.getMessage());
        }
    }

    @Test
    void shouldAcceptTheEdgesOfTheRange() {
        assertEquals(ReportTime.EARLIEST.toEpochMilli(), ReportTime.parse("0000-01-01", NOW_MS));
        assertEquals(ReportTime.LATEST.toEpochMilli(), ReportTime.parse("9999-12-31T23:59:59.999Z", NOW_MS));
    }
}
