package io.ringcast.ingest.fuzz;

import static io.ringcast.ingest.fuzz.FuzzChecks.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.ingest.testing.EnginePullTarget;
import io.ringcast.ingest.upstream.HttpFlvPull;
import io.ringcast.ingest.upstream.UpstreamSource;
import java.io.IOException;
import org.agrona.MutableDirectBuffer;

/**
 * Fuzz target for the HTTP-FLV pull client's reading side: arbitrary bytes as an upstream's response (status line,
 * header fields, chunked or identity body, FLV header and tags), delivered in arbitrary pieces, read into a real
 * engine's stream through the media ingest.
 * <p>
 * Invariants: the only way out is a normal return (a body that ended at a tag boundary) or an
 * {@link java.io.IOException} ({@link io.ringcast.ingest.upstream.UpstreamException} with a message); no runtime
 * exception (index, parse, media format) escapes; the reader never asks for bytes past the end after the source said
 * so, and never for more than it has room for. Seed: an ffmpeg-made FLV served chunked
 * ({@code HttpFlvFuzzTestInputs/readsAnyResponse/}).
 */
class HttpFlvFuzzTest {
    /** Small rings: every input publishes into the same engine, whose rings live as long as the JVM. */
    private static final RingConfig RINGS = new RingConfig(64, 64, 1 << 20, 1 << 16, false, 1_000, 5_000);
    private static final Engine ENGINE = new Engine(EngineConfig.DEFAULTS, RINGS, NanoClock.SYSTEM, 1).start();

    @FuzzTest(maxDuration = "30s")
    void readsAnyResponse(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }

    /** Entry point of Jazzer's command-line driver (BoundedFuzzer). */
    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        FuzzChecks.Splits splits = new FuzzChecks.Splits(data.consumeLong());
        byte[] bytes = data.consumeRemainingAsBytes();
        PiecesSource source = new PiecesSource(bytes, splits);
        try (EnginePullTarget target = new EnginePullTarget(ENGINE, "fuzz", "f")) {
            try {
                HttpFlvPull.read(source, target, NanoClock.SYSTEM);
            } catch (IOException expected) {
                check(expected.getMessage() != null && !expected.getMessage().isEmpty(), "a failure says why");
            }
            check(target.bytesRead() == source.delivered, "every byte read is counted once");
            check(target.liveCalls() <= 1, "live() at most once");
        }
    }

    /** The input, handed out in fuzzer-chosen pieces; -1 once it is all read. */
    private static final class PiecesSource implements UpstreamSource {
        private final byte[] bytes;
        private final FuzzChecks.Splits splits;
        private int position;
        private long delivered;
        private boolean ended;

        PiecesSource(byte[] bytes, FuzzChecks.Splits splits) {
            this.bytes = bytes;
            this.splits = splits;
        }

        @Override
        public int read(MutableDirectBuffer dst, int offset, int length) {
            check(length > 0 && offset >= 0 && offset + length <= dst.capacity(), "a read fits its buffer");
            if (position == bytes.length) {
                check(!ended, "no read after the end of the stream was reported");
                ended = true;
                return -1;
            }
            int n = Math.min(length, splits.next(bytes.length - position));
            dst.putBytes(offset, bytes, position, n);
            position += n;
            delivered += n;
            return n;
        }
    }
}
