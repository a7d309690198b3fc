package io.ringcast.perf.load.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ProcCpuTest {
    /** A real line of a JVM whose thread renamed the command, with spaces and a parenthesis in it. */
    private static final String STAT = "2103 (java (main) x) S 1 2095 2095 0 -1 4194560 103283 0 1 0 "
            + "1234 567 0 0 20 0 41 0 915347 4710912000 71938 18446744073709551615 1 1 0 0 0 0 4096 2 16898 0 0 0 "
            + "17 1 0 0 0 0 0 0 0 0 0 0 0 0 0";

    @Test
    void shouldAddUserAndSystemTimeCountingFieldsAfterTheCommandName() {
        assertEquals(1234 + 567, ProcCpu.cpuTicks(STAT));
        assertEquals(1234, ProcCpu.userTicks(STAT));
        assertEquals(567, ProcCpu.systemTicks(STAT));
    }

    @Test
    void shouldRefuseLinesWithoutTheFields() {
        assertThrows(IllegalArgumentException.class, () -> ProcCpu.cpuTicks("2103 java S 1"));
        assertThrows(IllegalArgumentException.class, () -> ProcCpu.cpuTicks("2103 (java) S 1 2 3"));
    }

    @Test
    void shouldReadThisProcessesCpuTime() throws Exception {
        long ticks = ProcCpu.clockTicksPerSecond();
        assertTrue(ticks > 0);
        double seconds = new ProcCpu(ProcessHandle.current().pid(), ticks).cpuSeconds();
        assertTrue(seconds > 0, "a JVM that ran tests used CPU: " + seconds);
    }
}
