package io.ringcast.perf.jmh;

import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.ingest.chunk.ChunkEncoder;
import io.ringcast.ingest.chunk.MessageTypeIds;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * RTMP play framing of one frame with the server's outgoing chunk size, the steps the RTMP viewer's sink
 * (RtmpPlaySink, package-private in ingest) takes per frame: a frame that fits in one chunk gets its fmt 0 chunk
 * header written into the headroom in front of the frame copy (no copy); a larger one is chunked into the
 * viewer's reused pending buffer (one copy, a fmt 3 header per chunk). The socket write is left out: the bytes go
 * to a Blackhole. 0 B/op with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RtmpPlayFramingBenchmark {
    /** Free bytes around the frame copy, as the fan-out worker's copy had them before egress wrote from the ring. */
    private static final int HEADROOM_BYTES = 32;
    private static final int TAILROOM_BYTES = 16;

    /** Media chunk streams, one per track, as RtmpPlaySink sends them. */
    private static final int AUDIO_CHUNK_STREAM_ID = 4;
    private static final int VIDEO_CHUNK_STREAM_ID = 6;
    private static final int MESSAGE_STREAM_ID = 1;

    @Param
    public SampleFrame frame;

    /** [rtmp] chunk_size: the default, and a large one under which a P-frame goes out without a copy. */
    @Param({"4096", "65536"})
    public int chunkSizeBytes;

    private final ChunkEncoder encoder = new ChunkEncoder();
    private UnsafeBuffer copy;
    private UnsafeBuffer pending;
    private int chunkStreamId;
    private int messageTypeId;
    private long timestampMs;

    @Setup(Level.Trial)
    public void setUp() {
        encoder.chunkSizeBytes(chunkSizeBytes);
        copy = new UnsafeBuffer(ByteBuffer.allocateDirect(HEADROOM_BYTES + frame.bytes
                + TAILROOM_BYTES));
        frame.writeBody(copy, HEADROOM_BYTES);
        boolean video = frame.kind == TrackKind.VIDEO;
        chunkStreamId = video ? VIDEO_CHUNK_STREAM_ID : AUDIO_CHUNK_STREAM_ID;
        messageTypeId = video ? MessageTypeIds.VIDEO : MessageTypeIds.AUDIO;
        // Sized for the longest encoding (extended timestamps), as the viewer's pending buffer is after warm-up.
        pending = new UnsafeBuffer(ByteBuffer.allocateDirect(encoder.encodedLength(chunkStreamId, 0xFFFF_FFFFL,
                frame.bytes)));
    }

    @Benchmark
    public int frameToChunks(Blackhole blackhole) {
        long timestamp = timestampMs;
        timestampMs = timestamp + 33;
        int length = frame.bytes;
        int offset = HEADROOM_BYTES;
        if (length <= encoder.chunkSizeBytes()) {
            int headerLength = encoder.messageHeaderLength(chunkStreamId, timestamp);
            int start = offset - headerLength;
            encoder.writeMessageHeader(copy, start, chunkStreamId, timestamp, messageTypeId, MESSAGE_STREAM_ID,
                    length);
            blackhole.consume(copy.getByte(start));
            return headerLength + length;
        }
        int written = encoder.encode(pending, 0, chunkStreamId, timestamp, messageTypeId, MESSAGE_STREAM_ID, copy,
                offset, length);
        blackhole.consume(pending.getByte(written - 1));
        return written;
    }
}
