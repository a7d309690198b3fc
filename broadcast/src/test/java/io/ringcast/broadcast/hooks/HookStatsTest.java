package io.ringcast.broadcast.hooks;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HookStatsTest {
    @Test
    void shouldCountEachHookApartAndKeepLatencyAcrossSnapshots() {
        HookStats stats = new HookStats();
        stats.called(HookEvent.PLAY);
        stats.called(HookEvent.PLAY);
        stats.allowed(HookEvent.PLAY);
        stats.failed(HookEvent.PLAY);
        stats.latencyUs(HookEvent.PLAY, 200_000);
        stats.called(HookEvent.STOP);
        stats.retried(HookEvent.STOP);
        stats.refused(HookEvent.STOP);
        HookStats.Snapshot first = stats.snapshot(HookEvent.PLAY);
        assertEquals(new HookStats.Snapshot(2, 1, 0, 1, 0, first.latencyUs()), first);
        assertEquals(1, first.latencyUs().getTotalCount());
        stats.latencyUs(HookEvent.PLAY, 400_000);
        HookStats.Snapshot second = stats.snapshot(HookEvent.PLAY);
        assertEquals(2, second.latencyUs().getTotalCount(), "totals since startup, not intervals");
        assertEquals(400, second.latencyUs().getMaxValue() / 1_000, "µs, within the histogram's 3 digits");
        HookStats.Snapshot stop = stats.snapshot().get("stop");
        assertEquals(List.of(1L, 0L, 1L, 0L, 1L), List.of(stop.calls(), stop.allowed(), stop.refused(), stop.failed(),
                stop.retries()));
        assertEquals(List.of("publish", "unpublish", "play", "stop", "record_done"),
                List.copyOf(stats.snapshot().keySet()));
    }
}
