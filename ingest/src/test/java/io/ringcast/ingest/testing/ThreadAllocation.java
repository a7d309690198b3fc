package io.ringcast.ingest.testing;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertBestRoundAllocatesLessThan(what, threadIds, rounds, 1, round);
    }

    /**
     * As {@link #assertBestRoundAllocatesNothing}, for threads that also answer a peer now and then: fails unless the
     * best round allocated fewer than {@code perRoundBytes}. With a bound below one byte per frame of the round, an
     * allocation per frame (16 bytes at least) still fails it in every round.
     */
    public static void assertBestRoundAllocatesLessThan(String what, long[] threadIds, int rounds, long perRoundBytes,
                                                        Round round) throws Exception {
        long[] roundBytes = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            long before = allocatedBytes(threadIds);
            round.run();
            roundBytes[r] = allocatedBytes(threadIds) - before;
        }
        long best = Arrays.stream(roundBytes).min().orElseThrow();
        assertTrue(best < perRoundBytes, "bytes allocated by " + what + ": " + Arrays.toString(roundBytes)
                + ", none below " + perRoundBytes + " bytes");
    }

    private static long allocatedBytes(long[] threadIds) {
        long total = 0;
        for (long bytes : THREADS.getThreadAllocatedBytes(threadIds)) {
            total += bytes;
        }
        return total;
    }
}
