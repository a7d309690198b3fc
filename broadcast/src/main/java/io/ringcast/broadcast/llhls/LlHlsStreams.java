package io.ringcast.broadcast.llhls;

import io.ringcast.broadcast.stream.StreamPath;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * The registry of live LL-HLS streams by path, shared by the plugin that feeds their segmenters and the servlet
 * that serves them; an engine service and the servlet context attribute {@link #CONTEXT_ATTRIBUTE}. Thread-safe.
 */
public final class LlHlsStreams {
    /** Attribute name under which the deployment stores this registry. */
    public static final String CONTEXT_ATTRIBUTE = "io.ringcast.llhls.streams";

    private final LlHlsConfig config;
    private final LongSupplier firstSequence;
    private final ConcurrentMap<StreamPath, LlHlsStream> streams = new ConcurrentHashMap<>();

    /**
     * @param firstSequence media sequence number of each opened stream's first segment (seeded from the wall clock
     *                      so a restarted stream never reuses a URI a cache may hold)
     */
    public LlHlsStreams(LlHlsConfig config, LongSupplier firstSequence) {
        this.config = config;
        this.firstSequence = firstSequence;
    }

    public LlHlsStreams(LlHlsConfig config) {
        this(config, () -> 0);
    }

    public LlHlsConfig config() {
        return config;
    }

    /** Registers a fresh stream for {@code path} (replacing any previous one); returns its segmenter. */
    public LlHlsSegmenter open(StreamPath path) {
        LlHlsStream stream = new LlHlsStream(path, config, config.targetDurationMs());
        LlHlsSegmenter segmenter = new LlHlsSegmenter(config, stream, firstSequence.getAsLong());
        streams.put(path, stream);
        return segmenter;
    }

    /** Closes the segmenter and unregisters its stream (unless a newer one replaced it). Segmenter's thread. */
    public void close(LlHlsSegmenter segmenter) {
        segmenter.close();
        streams.remove(segmenter.stream().path(), segmenter.stream());
    }

    /** The live stream at {@code path}, or null. */
    public LlHlsStream find(StreamPath path) {
        return streams.get(path);
    }
}
