package io.ringcast.perf.jmh;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.stream.StreamRegistry;
import io.ringcast.broadcast.subscribe.CloseReason;
import io.ringcast.broadcast.subscribe.FanoutWorker;
import io.ringcast.broadcast.subscribe.FrameSink;
import io.ringcast.broadcast.subscribe.Subscription;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
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

import java.util.concurrent.TimeUnit;

/**
 * Per-frame cost of the engine's hot path: the ingest thread publishes one frame into a track ring and a fan-out
 * worker moves it to {@code viewers} subscriptions (payload copy, validation, sink call). Run with {@code -prof gc}:
 * both paths allocate 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingFanoutBenchmark {
    @Param({"1", "100"})
    public int viewers;

    @Param({"4000"})
    public int frameBytes;

    private StreamPublisher publisher;
    private TrackRing video;
    private FanoutWorker worker;
    private long timestampMs;

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        StreamRegistry registry = new StreamRegistry(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM);
        publisher = registry.publish(StreamPath.parse("live/bench"), new PublisherInfo("jmh", "local", 0), false);
        publisher.updateFormat(new TrackFormat(Codec.AVC, new byte[]{0x17, 0, 0, 0, 0}, 5, 0, 0, 0, 0));
        video = publisher.track(TrackKind.VIDEO);
        worker = new FanoutWorker("jmh", NanoClock.SYSTEM);
        for (int i = 0; i < viewers; i++) {
            worker.add(new Subscription(publisher.stream(), "jmh", new BlackholeSink(blackhole), RingConfig.DEFAULTS));
        }
        publishFrame(true);
        worker.doWork(System.nanoTime());
    }

    private void publishFrame(boolean keyframe) {
        long position = video.reserve(frameBytes);
        video.payloadBuffer().putByte(video.offsetOf(position), (byte) 0x27);
        publisher.publish(TrackKind.VIDEO, position, frameBytes, 5, Codec.AVC, keyframe, false, timestampMs++, 0,
                System.nanoTime());
    }

    /** Ingest thread's cost: reserve, write a byte, publish, wake. */
    @Benchmark
    public long publishOnly() {
        publishFrame((timestampMs & 63) == 0);
        return video.cursor();
    }

    /** One frame through publish and fan-out to every viewer. */
    @Benchmark
    public int publishAndFanOut() {
        publishFrame((timestampMs & 63) == 0);
        return worker.doWork(System.nanoTime());
    }

    /** Sink that consumes the frame without I/O. */
    static final class BlackholeSink implements FrameSink {
        private final Blackhole blackhole;

        BlackholeSink(Blackhole blackhole) {
            this.blackhole = blackhole;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void writeStart(byte[] metadata, TrackFormat videoFormat, TrackFormat audioFormat) {
        }

        @Override
        public void writeSequenceHeader(TrackFormat format, long timestampMs) {
        }

        @Override
        public void writeFrame(TrackKind kind, FrameEvent frame, DirectBuffer buffer, int offset, int length) {
            blackhole.consume(buffer.getByte(offset));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close(CloseReason reason) {
        }
    }
}
