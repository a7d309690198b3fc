package io.ringcast.broadcast.fuzz;

import io.ringcast.broadcast.media.MediaFormatException;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Helpers shared by the media-format fuzz targets: invariant checks and the accept-or-refuse contract. */
final class MediaFuzzChecks {
    private MediaFuzzChecks() {
    }

    /** Fails the input (a Jazzer finding) when an invariant does not hold. */
    static void check(boolean condition, String invariant) {
        if (!condition) {
            throw new AssertionError(invariant);
        }
    }

    /**
     * Parses the whole input as one body: the parser accepts it, or refuses it with a {@link MediaFormatException}
     * that names its reason. Anything else that escapes is a finding.
     */
    static void parseOrReject(byte[] input, BodyParser parser) {
        try {
            parser.parse(new UnsafeBuffer(input), 0, input.length);
        } catch (MediaFormatException expected) {
            check(expected.reason() != null && !expected.reason().isEmpty(), "a format exception has a reason");
        }
    }

    /** A fuzz target's parse of {@code length} bytes at {@code offset}, which checks its own invariants. */
    @FunctionalInterface
    interface BodyParser {
        void parse(DirectBuffer buffer, int offset, int length);
    }
}
