package io.ringcast.broadcast.record;

import io.ringcast.broadcast.stream.StreamPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class RecordingOutcomesTest {
    private static RecordingOutcome outcome(int n) {
        return new RecordingOutcome(StreamPath.parse("live/x"), "f" + n, n, n + 1, n * 10L, n * 100L, null);
    }

    @Test
    void shouldKeepTheNewestOutcomesUpToItsCapacityNewestFirst() {
        RecordingOutcomes outcomes = new RecordingOutcomes(3);
        for (int n = 1; n <= 5; n++) {
            outcomes.add(outcome(n));
        }
        List<RecordingOutcome> kept = outcomes.newestFirst();
        assertEquals(List.of(outcome(5), outcome(4), outcome(3)), kept);
        outcomes.add(outcome(6));
        assertEquals(List.of(outcome(5), outcome(4), outcome(3)), kept, "a copy, not a view");
    }

    @Test
    void shouldRefuseACapacityBelowOneNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RecordingOutcomes(0));
        assertEquals("capacity must be at least 1: 0", e.getMessage());
    }
}
