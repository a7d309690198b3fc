package io.ringcast.perf.jmh;

import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.web.httpflv.HttpFlvSink;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
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

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * HTTP-FLV framing of one frame, as the fan-out worker runs it: {@link HttpFlvSink#writeFrame} writes the FLV tag
 * header into the headroom in front of the frame copy and the PreviousTagSize behind it, copies the tag into the
 * viewer's pending bytes and hands them to the servlet stream; then the batch's flush. The servlet stream discards
 * into a Blackhole, so this measures framing and the sink's copy, not I/O. 0 B/op with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HttpFlvFramingBenchmark {
    /** Free bytes around the frame copy, as the fan-out worker's copy had them before egress wrote from the ring. */
    private static final int HEADROOM_BYTES = 32;
    private static final int TAILROOM_BYTES = 16;

    @Param
    public SampleFrame frame;

    private final FrameEvent event = new FrameEvent();
    private UnsafeBuffer copy;
    private HttpFlvSink sink;

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        // The worker's frame copy: the payload with the headroom and tailroom the sink may write into.
        copy = new UnsafeBuffer(ByteBuffer.allocateDirect(HEADROOM_BYTES + frame.bytes
                + TAILROOM_BYTES));
        frame.writeBody(copy, HEADROOM_BYTES);
        sink = new HttpFlvSink(unusedAsyncContext(), new DiscardingOutputStream(blackhole), null);
        // The container's first onWritePossible: from now on the sink may ask the stream whether it is ready.
        sink.onWritePossible();
    }

    @Benchmark
    public long writeFrame() throws IOException {
        sink.writeFrame(frame.kind, event, copy, HEADROOM_BYTES, frame.bytes);
        sink.flush();
        return sink.bytesWritten();
    }

    /** The sink only completes its async context on close, which this benchmark never calls. */
    private static AsyncContext unusedAsyncContext() {
        return (AsyncContext) Proxy.newProxyInstance(HttpFlvFramingBenchmark.class.getClassLoader(),
                new Class<?>[] {AsyncContext.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A servlet stream that is always ready and gives every written tag to the Blackhole. */
    static final class DiscardingOutputStream extends ServletOutputStream {
        private final Blackhole blackhole;

        DiscardingOutputStream(Blackhole blackhole) {
            this.blackhole = blackhole;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
        }

        @Override
        public void write(int b) {
            blackhole.consume(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            blackhole.consume(b[off]);
            blackhole.consume(b[off + len - 1]);
        }
    }
}
