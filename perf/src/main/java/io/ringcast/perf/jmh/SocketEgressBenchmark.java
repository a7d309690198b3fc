package io.ringcast.perf.jmh;

import io.ringcast.broadcast.media.flv.FlvTag;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.ingest.chunk.ChunkEncoder;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.server.PlayerOutput;
import io.ringcast.ingest.server.RtmpMediaWriter;
import io.ringcast.web.http.ResponseChannel;
import io.ringcast.web.httpflv.HttpFlvSink;
import jakarta.servlet.AsyncContext;
import org.agrona.ExpandableArrayBuffer;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * One viewer's per-frame egress cost down to a real loopback socket (the kernel's copy and TCP included), for both
 * protocols, as the server did it before issue 15 and as it does now:
 * <ul>
 *   <li>{@code rtmpChunkCopy}: the frame chunked into a scratch buffer (one copy), then written;</li>
 *   <li>{@code rtmpGathered}: the RTMP play writer's path, chunk headers and ring slices in one {@code writev};</li>
 *   <li>{@code flvServletCopy}: the tag assembled in a heap array, then written from it as the servlet stream did
 *       (the JDK copies a heap buffer into a direct one before the system call, as the container copied it into
 *       its buffer);</li>
 *   <li>{@code flvGathered}: the HTTP-FLV sink over the embedded server's channel, tag header, ring slice and
 *       previous-tag-size in one {@code writev}.</li>
 * </ul>
 * The subscription's own copy out of the ring (before issue 15 every path began with it) is not included. A reader
 * thread drains the other end; when the socket is full the op waits until its bytes are out, so figures are
 * sustainable rates. 0 B/op with {@code -prof gc} for every path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SocketEgressBenchmark {
    private static final int CHUNK_SIZE_BYTES = 4096;
    private static final int MESSAGE_STREAM_ID = 1;
    private static final int VIDEO_CHUNK_STREAM_ID = 6;
    private static final int AUDIO_CHUNK_STREAM_ID = 4;
    private static final int MAX_PENDING_BYTES = 8 << 20;
    /** Where the frame lies in the "ring": not at its start, as most frames. */
    private static final int RING_OFFSET = 12_345;

    @Param
    public SampleFrame frame;

    private final FrameEvent event = new FrameEvent();
    private final ChunkEncoder encoder = new ChunkEncoder();
    private ServerSocketChannel server;
    private SocketChannel sender;
    private SocketChannel receiver;
    private Thread drain;
    private UnsafeBuffer ring;
    private PlayerOutput output;
    private RtmpMediaWriter media;
    private HttpFlvSink flvSink;
    private UnsafeBuffer chunkScratch;
    private ByteBuffer chunkScratchView;
    private final ExpandableArrayBuffer tagScratch = new ExpandableArrayBuffer(128 * 1024);
    private final ByteBuffer tagScratchView = ByteBuffer.wrap(tagScratch.byteArray());

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        sender = SocketChannel.open(server.getLocalAddress());
        receiver = server.accept();
        sender.setOption(StandardSocketOptions.TCP_NODELAY, true);
        sender.configureBlocking(false);
        drain = new Thread(this::drainReceiver, "egress-bench-reader");
        drain.setDaemon(true);
        drain.start();
        ring = new UnsafeBuffer(ByteBuffer.allocateDirect(RING_OFFSET + frame.bytes));
        frame.writeBody(ring, RING_OFFSET);
        output = new PlayerOutput(sender, CHUNK_SIZE_BYTES, MAX_PENDING_BYTES);
        media = new RtmpMediaWriter(output, MESSAGE_STREAM_ID, false);
        encoder.chunkSizeBytes(CHUNK_SIZE_BYTES);
        chunkScratch = new UnsafeBuffer(ByteBuffer.allocateDirect(encoder.encodedLength(VIDEO_CHUNK_STREAM_ID,
                0xFFFF_FFFFL, frame.bytes)));
        chunkScratchView = chunkScratch.byteBuffer().duplicate();
        flvSink = new HttpFlvSink(unusedAsyncContext(), null, new SocketResponseChannel(sender), null);
        flvSink.onWritePossible(); // the container finished the request's own call
        flvSink.writeStart(null, null, null); // opens the channel, as the first write does
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException {
        sender.close();
        drain.join(1_000);
        receiver.close();
        server.close();
    }

    @Benchmark
    public long rtmpChunkCopy() throws IOException {
        boolean video = frame.kind == io.ringcast.broadcast.track.TrackKind.VIDEO;
        int encoded = encoder.encode(chunkScratch, 0, video ? VIDEO_CHUNK_STREAM_ID : AUDIO_CHUNK_STREAM_ID,
                event.timestampMs(), video ? MessageTypeIds.VIDEO : MessageTypeIds.AUDIO, MESSAGE_STREAM_ID, ring,
                RING_OFFSET, frame.bytes);
        chunkScratchView.clear().limit(encoded);
        writeFully(chunkScratchView);
        return encoded;
    }

    @Benchmark
    public long rtmpGathered() throws IOException {
        media.writeFrame(frame.kind, event, ring, RING_OFFSET, frame.bytes);
        while (!output.flushPending()) {
            Thread.onSpinWait();
        }
        return output.bytesWritten();
    }

    @Benchmark
    public long flvServletCopy() throws IOException {
        int length = frame.bytes;
        FlvTag.putHeader(tagScratch, 0, frame.kind.flvTagType(), length, event.timestampMs());
        tagScratch.putBytes(FlvTag.HEADER_BYTES, ring, RING_OFFSET, length);
        FlvTag.putPreviousTagSize(tagScratch, FlvTag.HEADER_BYTES + length, length);
        writeFully(tagScratchView.clear().limit(length + FlvTag.OVERHEAD_BYTES));
        return length;
    }

    @Benchmark
    public long flvGathered() throws IOException {
        flvSink.writeFrame(frame.kind, event, ring, RING_OFFSET, frame.bytes);
        flvSink.flush();
        while (flvSink.heldBytes() > 0) {
            Thread.onSpinWait();
            flvSink.isReady();
        }
        return flvSink.bytesWritten();
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            if (sender.write(bytes) == 0) {
                Thread.onSpinWait();
            }
        }
    }

    private void drainReceiver() {
        ByteBuffer sink = ByteBuffer.allocateDirect(1 << 20);
        try {
            while (receiver.read(sink.clear()) >= 0) {
                // discard
            }
        } catch (IOException closed) {
            // the trial ended
        }
    }

    /** The sink only completes its async context on close, which this benchmark never calls. */
    private static AsyncContext unusedAsyncContext() {
        return (AsyncContext) Proxy.newProxyInstance(SocketEgressBenchmark.class.getClassLoader(),
                new Class<?>[] {AsyncContext.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** The embedded server's channel reduced to the socket: writable again as soon as asked. */
    private static final class SocketResponseChannel implements ResponseChannel {
        private final SocketChannel channel;
        private Runnable onWritable;

        SocketResponseChannel(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public void whenRequestDone(Runnable action) {
            action.run();
        }

        @Override
        public GatheringByteChannel open(Runnable writableAgain) {
            this.onWritable = writableAgain;
            return channel;
        }

        @Override
        public void awaitWritable() {
            onWritable.run();
        }

        @Override
        public void end() {
        }

        @Override
        public boolean flush() {
            return true;
        }

        @Override
        public GatheringByteChannel afterHead() {
            return channel;
        }
    }
}
