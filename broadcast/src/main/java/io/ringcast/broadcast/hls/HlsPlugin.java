package io.ringcast.broadcast.hls;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.llhls.LlHlsConfig;
import io.ringcast.broadcast.llhls.LlHlsSegmenter;
import io.ringcast.broadcast.llhls.LlHlsStreams;
import io.ringcast.broadcast.plugin.Plugin;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamListener;
import io.ringcast.broadcast.tap.StreamTap;
import io.ringcast.broadcast.tap.TapConsumer;
import io.ringcast.broadcast.tap.TapPool;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.PayloadBytes;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * HLS as an engine plugin, section {@code [hls]}: every stream gets a gating {@link StreamTap} (it must see every
 * frame) run by a bounded {@link TapPool} of {@code threads} threads shared by all streams, and a segmenter whose
 * muxing buffers come with its first segment; the segment store is registered as an engine service for the servlet
 * and stats. With {@code ll_enable} (the default) the same tap also feeds each stream's Low-Latency HLS (fMP4)
 * segmenter, whose registry {@link LlHlsStreams} is an engine service too.
 * Startup and shutdown only; the taps run on the pool's threads.
 */
public final class HlsPlugin implements Plugin, StreamListener {
    private static final long DISK_WRITER_STOP_TIMEOUT_S = 5;
    /** Default pool size: one muxing thread per core, at most this many. */
    public static final int DEFAULT_MAX_THREADS = 4;
    private final Set<StreamTap> taps = ConcurrentHashMap.newKeySet();
    private boolean enable = true;
    private HlsConfig config = HlsConfig.defaults();
    private LlHlsConfig llConfig = LlHlsConfig.defaults();
    private LlHlsStreams llStreams;
    private int threads = TapPool.defaultThreads(DEFAULT_MAX_THREADS);
    private Engine engine;
    private HlsStreams streams;
    private ExecutorService diskWriter;
    private TapPool muxers;

    @Override
    public String name() {
        return "hls";
    }

    @Override
    public int order() {
        return 50;
    }

    @Override
    public void configure(ConfigSection s) {
        HlsConfig d = HlsConfig.defaults();
        enable = s.getBoolean("enable", true);
        String directory = s.getString("directory", "");
        threads = s.getInt("threads", TapPool.defaultThreads(DEFAULT_MAX_THREADS), 1, 256);
        try {
            config = new HlsConfig(
                    s.getLong("segment_duration_ms", d.targetDurationMs(), 100, 60_000),
                    s.getInt("window_segments", d.windowSegments(), HlsConfig.MIN_WINDOW_SEGMENTS, 1_000),
                    directory.isBlank() ? Optional.empty() : Optional.of(Path.of(directory)),
                    s.getInt("segment_max_age_s", d.segmentMaxAgeSeconds(), 0, 86_400),
                    d.initialSegmentCapacityBytes());
            LlHlsConfig ll = LlHlsConfig.defaults();
            String variant = s.getString("variant", "ts");
            if (!variant.equals("ts") && !variant.equals("fmp4")) {
                throw s.error("variant", "must be \"ts\" or \"fmp4\": " + variant);
            }
            llConfig = new LlHlsConfig(s.getBoolean("ll_enable", ll.enabled()),
                    s.getLong("part_duration_ms", ll.partDurationMs(), LlHlsConfig.MIN_PART_DURATION_MS,
                            LlHlsConfig.MAX_PART_DURATION_MS),
                    variant.equals("fmp4"), config.targetDurationMs(), config.windowSegments(),
                    config.segmentMaxAgeSeconds());
            if (llConfig.fmp4ByDefault() && !llConfig.enabled()) {
                throw s.error("variant", "\"fmp4\" needs ll_enable = true");
            }
        } catch (IllegalArgumentException e) {
            throw s.error("", e.getMessage());
        }
    }

    @Override
    public boolean enabled() {
        return enable;
    }

    @Override
    public void start(Engine engine) {
        this.engine = engine;
        diskWriter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ringcast-hls-disk");
            t.setDaemon(true);
            return t;
        });
        Clock wallClock = engine.wallClock();
        streams = new HlsStreams(config, engine.clock(), diskWriter, () -> wallClock.millis() / 1_000);
        muxers = new TapPool("hls", threads);
        engine.registerService(HlsStreams.class, streams);
        if (llConfig.enabled()) {
            llStreams = new LlHlsStreams(llConfig, () -> wallClock.millis() / 1_000);
            engine.registerService(LlHlsStreams.class, llStreams);
        }
        engine.streams().addListener(this);
    }

    @Override
    public void onStreamStarted(Stream stream) {
        HlsSegmenter segmenter = streams.open(stream.path(), new HlsStats(stream.latency(HlsStats.PROTOCOL)));
        LlHlsSegmenter ll = llStreams == null ? null : llStreams.open(stream.path());
        StreamTap tap = StreamTap.start(stream, "hls", new SegmenterFeed(segmenter, ll), muxers);
        taps.add(tap);
        stream.onClose(() -> taps.remove(tap));
    }

    @Override
    public void stop() {
        engine.streams().removeListener(this);
        for (StreamTap tap : taps) {
            tap.close();
        }
        taps.clear();
        muxers.close();
        engine.unregisterService(HlsStreams.class, streams);
        if (llStreams != null) {
            engine.unregisterService(LlHlsStreams.class, llStreams);
        }
        // Queued segment writes finish; the thread must have ended when stop returns (undeploy from a container).
        diskWriter.shutdown();
        try {
            diskWriter.awaitTermination(DISK_WRITER_STOP_TIMEOUT_S, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Feeds one stream's segmenter on its tap's thread. A new publisher session, or a sequence header that differs
     * from the track's previous one (codec change), starts a discontinuity; the other track's configuration is
     * replayed after it, since a publisher resends only the header that changed.
     */
    private final class SegmenterFeed implements TapConsumer {
        private final HlsSegmenter segmenter;
        /** The stream's LL-HLS segmenter, or null when LL-HLS is off. */
        private final LlHlsSegmenter ll;
        /** Last sequence header per track this session (payload as published, codec framing included). */
        private final TrackFormat[] lastConfig = new TrackFormat[TrackKind.values().length];
        private boolean seenSession;

        SegmenterFeed(HlsSegmenter segmenter, LlHlsSegmenter ll) {
            this.segmenter = segmenter;
            this.ll = ll;
        }

        @Override
        public void onFrame(TrackKind kind, FrameEvent frame, DirectBuffer payload, int offset, int length) {
            if (frame.isSequenceHeader()) {
                TrackFormat previous = lastConfig[kind.ordinal()];
                if (previous != null && !PayloadBytes.equal(previous.sequenceHeader(), payload, offset, length)) {
                    segmenter.onDiscontinuity();
                    if (ll != null) {
                        ll.onDiscontinuity();
                    }
                    replayConfigExcept(kind);
                }
                TrackFormat format = formatOf(frame, payload, offset, length);
                lastConfig[kind.ordinal()] = format;
                segmenter.onFrame(frame.codec(), frame.isKeyframe(), true, frame.timestampMs(),
                        frame.compositionTimeMs(), frame.ingestNanos(), payload, offset, length, frame.headerLength(),
                        format);
                if (ll != null) {
                    ll.onFrame(frame.codec(), frame.isKeyframe(), true, frame.timestampMs(),
                            frame.compositionTimeMs(), payload, offset, length, frame.headerLength(), format);
                }
                return;
            }
            segmenter.onFrame(kind, frame, payload, offset, length);
            if (ll != null) {
                ll.onFrame(frame.codec(), frame.isKeyframe(), false, frame.timestampMs(), frame.compositionTimeMs(),
                        payload, offset, length, frame.headerLength(), null);
            }
        }

        @Override
        public void onNewSession(int session) {
            if (seenSession) {
                segmenter.onDiscontinuity();
                if (ll != null) {
                    ll.onDiscontinuity();
                }
                Arrays.fill(lastConfig, null);
            }
            seenSession = true;
        }

        @Override
        public void onEnd() {
            streams.close(segmenter);
            if (ll != null) {
                llStreams.close(ll);
            }
        }

        private void replayConfigExcept(TrackKind changed) {
            for (TrackKind kind : TrackKind.values()) {
                TrackFormat config = lastConfig[kind.ordinal()];
                if (kind != changed && config != null) {
                    byte[] header = config.sequenceHeader();
                    segmenter.onFrame(config.codec(), false, true, 0, 0, 0, new UnsafeBuffer(header), 0,
                            header.length, config.headerLength(), config);
                    if (ll != null) {
                        ll.onFrame(config.codec(), false, true, 0, 0, new UnsafeBuffer(header), 0, header.length,
                                config.headerLength(), config);
                    }
                }
            }
        }

        /**
         * The format the sequence header carries (parsed once by ingest). A producer that published the header
         * without its format: keep the bytes, with no facts, so the segmenter counts the track as malformed.
         */
        private static TrackFormat formatOf(FrameEvent frame, DirectBuffer payload, int offset, int length) {
            TrackFormat format = frame.format();
            if (format != null && PayloadBytes.equal(format.sequenceHeader(), payload, offset, length)) {
                return format;
            }
            byte[] copy = new byte[length];
            payload.getBytes(offset, copy);
            return new TrackFormat(frame.codec(), copy, frame.headerLength(), 0, 0, 0, 0, null);
        }
    }
}
