package io.ringcast.ingest.testing;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Measures the bytes some threads allocate while a test runs rounds of frames through them (HotSpot's per-thread
 * allocated-bytes counters); test thread only.
 */
public final class ThreadAllocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** One round of frames through the measured threads. */
    @FunctionalInterface
    public interface Round {
        void run() throws Exception;
    }

    private ThreadAllocation() {
    }

    /**
     * Runs {@code rounds} rounds and fails unless the best one allocated exactly 0 bytes on {@code threadIds}: the JIT
     * allocates now and then on a thread while it settles (objects it had scalar-replaced come back when compiled
     * code is deoptimised), while code that allocates per frame does so in every round.
     *
     * @param what names the threads and a round for the failure message ("the ingest thread ... 600 frames")
     */
    public static void assertBestRoundAllocatesNothing(String what, long[] threadIds, int rounds, Round round)
            throws Exception {
        long[] roundBytes = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            long before = allocatedBytes(threadIds);
            round.run();
            roundBytes[r] = allocatedBytes(threadIds) - before;
        }
        assertEquals(0, Arrays.stream(roundBytes).min().orElseThrow(), "bytes allocated by " + what + ": "
                + Arrays.toString(roundBytes));
    }

    private static long allocatedBytes(long[] threadIds) {
        long total = 0;
        for (long bytes : THREADS.getThreadAllocatedBytes(threadIds)) {
            total += bytes;
        }
        return total;
    }
}
