package io.ringcast.broadcast.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes broadcast's targets for a bounded time each ({@code -Dringcast.fuzz.seconds}, default 20) through
 * {@link BoundedFuzzer}; the seed replay alone runs with the {@code @FuzzTest}s.
 */
class BoundedFuzzingTest {
    @Test
    @Timeout(value = 30, unit = java.util.concurrent.TimeUnit.MINUTES)
    void shouldFindNothingWhenFuzzingTheConfigLoader() {
        assumeTrue(BoundedFuzzer.seconds() > 0, "bounded fuzzing off (ringcast.fuzz.seconds=0)");
        BoundedFuzzer.Result result = BoundedFuzzer.run(
                ConfigFileFuzzTest.class, "loadsOrFailsWithConfigException", "io.ringcast.**:org.tomlj.**");
        System.out.println(result.summary());
        assertTrue(result.clean(), () -> result.summary() + "\n" + result.logTail());
        assertTrue(result.executions() > 0, () -> "no executions: " + result.logTail());
    }
}
