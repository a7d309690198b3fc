package io.ringcast.broadcast.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes broadcast's targets (the config loader and the media-format parsers) for a bounded time each
 * ({@code -Dringcast.fuzz.seconds}, default 20) through {@link BoundedFuzzer}; the seed replay alone runs with the
 * {@code @FuzzTest}s.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class BoundedFuzzingTest {
    /** The media-format parsers the media targets reach. */
    private static final String MEDIA = "io.ringcast.broadcast.media.**";

    @Test
    void shouldFindNothingWhenFuzzingTheConfigLoader() {
        fuzz(ConfigFileFuzzTest.class, "loadsOrFailsWithConfigException", "io.ringcast.**:org.tomlj.**");
    }

    @Test
    void shouldFindNothingWhenFuzzingTheAmf0Reader() {
        fuzz(Amf0FuzzTest.class, "readsOrRejects", MEDIA);
    }

    @Test
    void shouldFindNothingWhenFuzzingVideoTags() {
        fuzz(VideoTagFuzzTest.class, "parsesOrRejects", MEDIA);
    }

    @Test
    void shouldFindNothingWhenFuzzingEnhancedVideoTags() {
        fuzz(EnhancedVideoFuzzTest.class, "parsesOrRejects", MEDIA);
    }

    @Test
    void shouldFindNothingWhenFuzzingAudioTags() {
        fuzz(AudioTagFuzzTest.class, "parsesOrRejects", MEDIA);
    }

    private static void fuzz(Class<?> target, String seedMethod, String instrumentation) {
        assumeTrue(BoundedFuzzer.seconds() > 0, "bounded fuzzing off (ringcast.fuzz.seconds=0)");
        BoundedFuzzer.Result result = BoundedFuzzer.run(target, seedMethod, instrumentation);
        System.out.println(result.summary());
        assertTrue(result.clean(), () -> result.summary() + "\n" + result.logTail());
        assertTrue(result.executions() > 0, () -> "no executions: " + result.logTail());
    }
}
