package io.ringcast.perf.jmh;

import io.ringcast.ingest.chunk.ChunkDecoder;
import io.ringcast.ingest.chunk.ChunkEncoder;
import io.ringcast.ingest.chunk.ChunkListener;
import io.ringcast.ingest.chunk.MessageHeader;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.chunk.PayloadTarget;
import org.agrona.DirectBuffer;
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

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * RTMP chunk decode of one video message (as ffmpeg sends it, 4096-byte chunks) with the payload reassembled in
 * place into a preallocated target, as ingest does into a track ring. 0 B/op with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChunkDecodeBenchmark {
    private static final int CHUNK_SIZE = 4096;

    @Param({"1000", "20000"})
    public int messageBytes;

    private final UnsafeBuffer ring = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 20));
    private UnsafeBuffer wire;
    private int wireLength;
    private ChunkDecoder decoder;
    private long messages;

    @Setup(Level.Trial)
    public void setUp() {
        ChunkEncoder encoder = new ChunkEncoder();
        UnsafeBuffer encoded = new UnsafeBuffer(new byte[2 * messageBytes + 1024]);
        int length = encoder.writeSetChunkSize(encoded, 0, CHUNK_SIZE);
        length += encoder.encode(encoded, length, 6, 0, MessageTypeIds.VIDEO, 1,
                new UnsafeBuffer(new byte[messageBytes]), 0, messageBytes);
        decoder = new ChunkDecoder(new InPlaceListener(), 8 << 20, 1 << 24, 64);
        decoder.decode(encoded, 0, length);
        // Later messages reuse the chunk stream's header: encode one more and keep only the message bytes.
        int start = length;
        length += encoder.encode(encoded, length, 6, 40, MessageTypeIds.VIDEO, 1,
                new UnsafeBuffer(new byte[messageBytes]), 0, messageBytes);
        wire = new UnsafeBuffer(ByteBuffer.allocateDirect(length - start));
        wire.putBytes(0, encoded, start, length - start);
        wireLength = length - start;
    }

    @Benchmark
    public long decodeOneMessage() {
        decoder.decode(wire, 0, wireLength);
        return messages;
    }

    private final class InPlaceListener implements ChunkListener {
        @Override
        public boolean onMessageStart(MessageHeader header, PayloadTarget target) {
            target.wrap(ring, 0);
            return true;
        }

        @Override
        public void onMessage(MessageHeader header, DirectBuffer buffer, int offset, int length) {
            messages++;
        }

        @Override
        public void onMessageAborted(MessageHeader header) {
        }
    }
}
