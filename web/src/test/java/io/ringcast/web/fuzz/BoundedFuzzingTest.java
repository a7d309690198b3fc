package io.ringcast.web.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringcast.broadcast.fuzz.BoundedFuzzer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes web's targets for a bounded time each ({@code -Dringcast.fuzz.seconds}, default 20) through
 * {@link BoundedFuzzer}; the seed replay alone runs with the {@code @FuzzTest}s.
 */
class BoundedFuzzingTest {
    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void shouldFindNothingWhenFuzzingHttpPaths() {
        assumeTrue(BoundedFuzzer.seconds() > 0, "bounded fuzzing off (ringcast.fuzz.seconds=0)");
        BoundedFuzzer.Result result = BoundedFuzzer.run(
                HttpPathFuzzTest.class, "parsesOrRejects", "io.ringcast.web.**:io.ringcast.broadcast.stream.**");
        System.out.println(result.summary());
        assertTrue(result.clean(), () -> result.summary() + "\n" + result.logTail());
        assertTrue(result.executions() > 0, () -> "no executions: " + result.logTail());
    }
}
