package io.ringcast.ingest.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringcast.broadcast.fuzz.BoundedFuzzer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes each ingest target for a bounded time ({@code -Dringcast.fuzz.seconds}, default 20) through
 * {@link BoundedFuzzer}; the seed replay alone runs with the {@code @FuzzTest}s.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class BoundedFuzzingTest {
    private static final String INSTRUMENTATION = "io.ringcast.ingest.**";

    @Test
    void shouldFindNothingWhenFuzzingTheHandshake() {
        fuzz(HandshakeFuzzTest.class, "respondsOrRejectsVersion");
    }

    @Test
    void shouldFindNothingWhenFuzzingTheChunkStream() {
        fuzz(ChunkStreamFuzzTest.class, "decodesAnySplit");
    }

    @Test
    void shouldFindNothingWhenFuzzingTheAmf0Reader() {
        fuzz(Amf0FuzzTest.class, "readsOrRejects");
    }

    @Test
    void shouldFindNothingWhenFuzzingVideoTags() {
        fuzz(VideoTagFuzzTest.class, "parsesOrRejects");
    }

    @Test
    void shouldFindNothingWhenFuzzingAudioTags() {
        fuzz(AudioTagFuzzTest.class, "parsesOrRejects");
    }

    private static void fuzz(Class<?> target, String seedMethod) {
        assumeTrue(BoundedFuzzer.seconds() > 0, "bounded fuzzing off (ringcast.fuzz.seconds=0)");
        BoundedFuzzer.Result result = BoundedFuzzer.run(target, seedMethod, INSTRUMENTATION);
        System.out.println(result.summary());
        assertTrue(result.clean(), () -> result.summary() + "\n" + result.logTail());
        assertTrue(result.executions() > 0, () -> "no executions: " + result.logTail());
    }
}
