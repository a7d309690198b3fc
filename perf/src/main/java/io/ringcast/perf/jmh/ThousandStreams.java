package io.ringcast.perf.jmh;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.stream.SubscriberStats;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.web.metrics.MetricsPlugin;

import java.time.Clock;

/**
 * An engine (not started: no threads) with {@code count} live streams as a scrape sees them: each with a publisher
 * that sent video and audio, an HTTP-FLV and an RTMP viewer, and latency sampled for both protocols; plus the
 * metrics plugin started on it. For the scrape-cost benchmark and its bounded test. One thread.
 */
public final class ThousandStreams implements AutoCloseable {
    /** Small rings: a thousand streams' worst-case payload fits any direct memory budget. */
    private static final RingConfig SMALL_RINGS = new RingConfig(64, 64, 64 << 10, 16 << 10, false, 1_000, 5_000);
    private static final int FRAMES = 30;

    private final Engine engine;
    private final MetricsPlugin metrics = new MetricsPlugin();

    public ThousandStreams(int count) {
        engine = new Engine(EngineConfig.DEFAULTS, SMALL_RINGS, new LimitsConfig(count, 10_000, 0,
                LimitsConfig.DEFAULT_NO_MEDIA_TIMEOUT_MS), NanoClock.SYSTEM, Clock.systemUTC(), 1);
        if (engine.streams().maxStreams() < count) {
            throw new IllegalStateException("only " + engine.streams().maxStreams() + " streams fit");
        }
        metrics.start(engine);
        for (int i = 0; i < count; i++) {
            publish(StreamPath.parse("live/stream-" + i));
        }
        engine.sampleLatency();
    }

    private void publish(StreamPath path) {
        StreamPublisher publisher = engine.streams().publish(path, new PublisherInfo("rtmp", "127.0.0.1:1", 0),
                false);
        publisher.updateFormat(new TrackFormat(Codec.AVC, new byte[] {0x17, 0, 0, 0, 0}, 5, 640, 360, 0, 0));
        publisher.updateFormat(new TrackFormat(Codec.AAC, new byte[] {(byte) 0xaf, 0, 0x12, 0x10}, 2, 0, 0,
                44_100, 2));
        for (int f = 0; f < FRAMES; f++) {
            frame(publisher, TrackKind.VIDEO, Codec.AVC, 2_000, f);
            frame(publisher, TrackKind.AUDIO, Codec.AAC, 200, f);
        }
        Stream stream = publisher.stream();
        stream.addSubscriber("httpflv", () -> { }, new Viewer("httpflv"));
        stream.addSubscriber("rtmp", () -> { }, new Viewer("rtmp"));
        for (int v = 1; v <= 100; v++) {
            stream.latency("httpflv").record(v * 20_000L);
            stream.latency("rtmp").record(v * 15_000L);
        }
    }

    private static void frame(StreamPublisher publisher, TrackKind kind, Codec codec, int bytes, int index) {
        TrackRing ring = publisher.track(kind);
        long position = ring.reserve(bytes);
        ring.payloadBuffer().putByte(ring.offsetOf(position), (byte) 0x27);
        publisher.publish(kind, position, bytes, kind == TrackKind.VIDEO ? 5 : 2, codec, index == 0, false,
                index * 40L, 0, System.nanoTime());
    }

    public Engine engine() {
        return engine;
    }

    public MetricsPlugin metrics() {
        return metrics;
    }

    @Override
    public void close() {
        metrics.stop();
        engine.close();
    }

    /** A viewer that has been sent a fixed amount. */
    private record Viewer(String protocol) implements SubscriberStats {
        @Override
        public long videoBytesSent() {
            return 60_000;
        }

        @Override
        public long audioBytesSent() {
            return 6_000;
        }

        @Override
        public long framesSent() {
            return 60;
        }

        @Override
        public double videoBitsPerSecond() {
            return 0;
        }

        @Override
        public double audioBitsPerSecond() {
            return 0;
        }

        @Override
        public void sampleRates(long nowNs) {
        }
    }
}
