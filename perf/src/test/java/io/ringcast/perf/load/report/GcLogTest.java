package io.ringcast.perf.load.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GcLogTest {
    @Test
    void shouldReadHeapAfterEachPauseAndTheLongestPause() {
        GcLog gc = GcLog.parse(List.of(
                "[0.012s] Using G1",
                "[3.101s] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->6M(256M) 4.210ms",
                "[9.870s] GC(1) Pause Young (Concurrent Start) (G1 Humongous Allocation) 60M->11M(256M) 7.5ms",
                "[9.880s] GC(2) Concurrent Mark Cycle",
                "[15.2s] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 70M->9M(256M) 2.001ms"));

        assertEquals(new GcLog(3, 6, 6, 11, 9, 7.5), gc);
    }

    @Test
    void shouldReadZgcCyclesAndPhasePauses() {
        GcLog gc = GcLog.parse(List.of(
                "[9.855s][info][gc,start    ] GC(0) Garbage Collection (Warmup)",
                "[9.855s][info][gc,phases   ] GC(0) Pause Mark Start 0.006ms",
                "[9.919s][info][gc,phases   ] GC(0) Pause Mark End 0.014ms",
                "[9.999s][info][gc          ] GC(0) Garbage Collection (Warmup) 104M(10%)->52M(5%)",
                "[303.7s][info][gc          ] GC(10) Garbage Collection (Proactive) 158M(15%)->54M(5%)"));

        assertEquals(new GcLog(2, 52, 52, 54, 54, 0.014), gc);
    }

    @Test
    void shouldReportNothingForALogWithoutPauses() {
        assertEquals(0, GcLog.parse(List.of("[0.012s] Using G1")).count());
    }
}
