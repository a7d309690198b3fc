package io.ringcast.ingest.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringcast.broadcast.fuzz.BoundedFuzzer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes each RTMP and upstream-client target for a bounded time ({@code -Dringcast.fuzz.seconds}, default 20) through
 * {@link BoundedFuzzer}; the seed replay alone runs with the {@code @FuzzTest}s. The media-format targets (AMF0, FLV
 * tags, codec configurations) live beside their parsers, in broadcast's fuzz package.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class BoundedFuzzingTest {
    /** RTMP code, and the media-format parsers the chunk stream target hands complete messages to. */
    private static final String INSTRUMENTATION = "io.ringcast.ingest.**:io.ringcast.broadcast.media.**";

    @Test
    void shouldFindNothingWhenFuzzingTheHandshake() {
        fuzz(HandshakeFuzzTest.class, "respondsOrRejectsVersion");
    }

    @Test
    void shouldFindNothingWhenFuzzingTheChunkStream() {
        fuzz(ChunkStreamFuzzTest.class, "decodesAnySplit");
    }

    @Test
    void shouldFindNothingWhenFuzzingTheHttpFlvPullResponse() {
        fuzz(HttpFlvFuzzTest.class, "readsAnyResponse");
    }

    private static void fuzz(Class<?> target, String seedMethod) {
        assumeTrue(BoundedFuzzer.seconds() > 0, "bounded fuzzing off (ringcast.fuzz.seconds=0)");
        BoundedFuzzer.Result result = BoundedFuzzer.run(target, seedMethod, INSTRUMENTATION);
        System.out.println(result.summary());
        assertTrue(result.clean(), () -> result.summary() + "\n" + result.logTail());
        assertTrue(result.executions() > 0, () -> "no executions: " + result.logTail());
    }
}
