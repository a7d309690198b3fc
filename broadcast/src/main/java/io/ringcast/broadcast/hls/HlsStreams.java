package io.ringcast.broadcast.hls;

import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.time.NanoClock;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * The registry of live HLS streams by path, shared by whoever wires segmenters to the engine and the servlets
 * that serve them; deployed as the servlet context attribute {@link #CONTEXT_ATTRIBUTE}. Thread-safe: any thread
 * may open, close or look up.
 */
public final class HlsStreams {
    /** Attribute name under which the deployment stores this registry. */
    public static final String CONTEXT_ATTRIBUTE = "io.ringcast.hls.streams";

    private final HlsConfig config;
    private final NanoClock clock;
    private final Executor diskExecutor;
    private final LongSupplier firstSequence;
    private final ConcurrentMap<StreamPath, HlsStream> streams = new ConcurrentHashMap<>();

    /**
     * @param diskExecutor runs the disk mirror's IO when {@code config.directory()} is set; use a single thread to
     *                     keep the segmenter thread off the disk, or {@code Runnable::run} to write inline
     */
    public HlsStreams(HlsConfig config, NanoClock clock, Executor diskExecutor) {
        this(config, clock, diskExecutor, () -> 0);
    }

    /**
     * @param firstSequence media sequence number of each opened stream's first segment; the server seeds it from
     *                      the wall clock so that a stream restarted at the same path never reuses a segment URI
     *                      a cache may still hold
     */
    public HlsStreams(HlsConfig config, NanoClock clock, Executor diskExecutor,
                      LongSupplier firstSequence) {
        this.config = config;
        this.clock = clock;
        this.diskExecutor = diskExecutor;
        this.firstSequence = firstSequence;
    }

    /** Memory only (or disk writes inline), system clock. */
    public HlsStreams(HlsConfig config) {
        this(config, NanoClock.SYSTEM, Runnable::run);
    }

    public HlsConfig config() {
        return config;
    }

    /**
     * Registers a fresh HLS stream for {@code path} (replacing any previous one) and returns its segmenter, which
     * the caller then feeds from one thread.
     */
    public HlsSegmenter open(StreamPath path) {
        return open(path, new HlsStats());
    }

    /** As {@link #open(StreamPath)}, counting into {@code stats} (e.g. backed by the engine stream's latency). */
    public HlsSegmenter open(StreamPath path, HlsStats stats) {
        HlsStream stream = new HlsStream(path, stats);
        SegmentFiles files = config.directory().map(dir -> new SegmentFiles(dir, path, diskExecutor)).orElse(null);
        HlsSegmenter segmenter = new HlsSegmenter(config, stream, clock, files, firstSequence.getAsLong());
        streams.put(path, stream);
        return segmenter;
    }

    /**
     * Closes the segmenter and unregisters its stream (unless a newer one has replaced it). Call it from the
     * segmenter's thread, or after that thread has stopped feeding it.
     */
    public void close(HlsSegmenter segmenter) {
        segmenter.close();
        HlsStream stream = segmenter.stream();
        streams.remove(stream.path(), stream);
        stream.end();
    }

    /** The live HLS stream at {@code path}, or null. */
    public HlsStream find(StreamPath path) {
        return streams.get(path);
    }

    /** A snapshot of the live streams, for stats. */
    public Collection<HlsStream> streams() {
        return List.copyOf(streams.values());
    }
}
