package io.ringcast.ingest.fuzz;

import io.ringcast.ingest.RtmpProtocolException;
import java.util.SplittableRandom;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Helpers shared by the ingest fuzz targets: invariant checks and fuzzer-chosen split points. */
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
     * Parses the whole input as one message body: the parser accepts it, or refuses it with an
     * {@link RtmpProtocolException} that names its reason. Anything else that escapes is a finding.
     */
    static void parseOrReject(byte[] input, BodyParser parser) {
        try {
            parser.parse(new UnsafeBuffer(input), 0, input.length);
        } catch (RtmpProtocolException expected) {
            check(expected.reason() != null && !expected.reason().isEmpty(), "a protocol exception has a reason");
        }
    }

    /** A fuzz target's parse of {@code length} bytes at {@code offset}, which checks its own invariants. */
    @FunctionalInterface
    interface BodyParser {
        void parse(DirectBuffer buffer, int offset, int length);
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
