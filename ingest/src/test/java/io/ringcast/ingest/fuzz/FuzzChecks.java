package io.ringcast.ingest.fuzz;

import java.util.SplittableRandom;

/** Helpers shared by the RTMP fuzz targets: invariant checks and fuzzer-chosen split points. */
final class FuzzChecks {
    private FuzzChecks() {
    }

    /** Fails the input (a Jazzer finding) when an invariant does not hold. */
    static void check(boolean condition, String invariant) {
        if (!condition) {
            throw new AssertionError(invariant);
        }
    }

    /**
     * Piece lengths for feeding bytes the way a socket delivers them: mostly small (1..16 bytes, splitting every
     * header field), sometimes up to a few KiB, chosen by a seed the fuzzer controls.
     */
    static final class Splits {
        private final SplittableRandom random;

        Splits(long seed) {
            random = new SplittableRandom(seed);
        }

        int next(int remaining) {
            int bound = switch (random.nextInt(4)) {
                case 0 -> 16;
                case 1 -> 256;
                case 2 -> 4096;
                default -> remaining;
            };
            return random.nextInt(1, Math.min(bound, remaining) + 1);
        }

        int nextInt(int bound) {
            return random.nextInt(bound);
        }
    }
}
