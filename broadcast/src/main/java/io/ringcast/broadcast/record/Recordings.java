package io.ringcast.broadcast.record;

import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamRegistry;
import io.ringcast.broadcast.time.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The recordings of one server, registered as an engine service: starts one for each stream the rules select as
 * it starts, starts and stops them on request, reports their status by stream path while the stream lives, and
 * keeps the outcome of each recording file (errors included) after it, in {@link #outcomes()}. Starting and
 * stopping are serialised on this object (they are rare); status lookups are lock-free from any thread.
 */
public final class Recordings implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Recordings.class);

    /** What {@link #start(StreamPath)} did. */
    public enum StartResult { STARTED, ALREADY_RECORDING, NO_SUCH_STREAM, CLOSED }

    private final StreamRegistry streams;
    private final RecordConfig config;
    private final NanoClock clock;
    private final LongSupplier wallClockMs;
    private final ChannelOpener opener;
    private final RecordingOutcomes outcomes;
    private final Map<StreamPath, Recording> recordings = new ConcurrentHashMap<>();
    private boolean closed;

    /**
     * Records to the real file system, naming files by {@code wallClockMs} (epoch milliseconds).
     *
     * @param keptOutcomes how many file outcomes {@link #outcomes()} keeps
     */
    public Recordings(StreamRegistry streams, RecordConfig config, NanoClock clock, LongSupplier wallClockMs,
                      int keptOutcomes) {
        this(streams, config, clock, wallClockMs, ChannelOpener.FILES, new RecordingOutcomes(keptOutcomes));
    }

    Recordings(StreamRegistry streams, RecordConfig config, NanoClock clock, LongSupplier wallClockMs,
               ChannelOpener opener, RecordingOutcomes outcomes) {
        this.streams = streams;
        this.config = config;
        this.clock = clock;
        this.wallClockMs = wallClockMs;
        this.opener = opener;
        this.outcomes = outcomes;
    }

    /** How the latest recording files ended, newest first; they outlive their streams. */
    public RecordingOutcomes outcomes() {
        return outcomes;
    }

    public RecordConfig config() {
        return config;
    }

    /** Records a stream that just started when the rules select it; the plugin's stream listener. */
    public void onStreamStarted(Stream stream) {
        if (config.rules().matches(stream.path())) {
            start(stream);
        }
    }

    /**
     * Starts recording a live stream, whatever the rules say; the first file begins at its next keyframe.
     * A recording that ended (stopped or failed) is replaced by a new one.
     */
    public StartResult start(StreamPath path) {
        Stream stream = streams.find(path);
        return stream == null ? StartResult.NO_SUCH_STREAM : start(stream);
    }

    /** Stops recording the stream: its file is completed and closed. Returns false when it was not recording. */
    public synchronized boolean stop(StreamPath path) {
        Recording recording = recordings.get(path);
        if (recording == null || !recording.isRunning()) {
            return false;
        }
        recording.stop();
        LOG.info("recording of {} stopped on request", path);
        return true;
    }

    /** The status of the stream's latest recording (active or not) while the stream lives, else null. */
    public RecordingStatus status(StreamPath path) {
        Recording recording = recordings.get(path);
        return recording == null ? null : recording.status();
    }

    /** The statuses of all recordings, by path. */
    public List<RecordingStatus> statuses() {
        List<RecordingStatus> all = new ArrayList<>();
        recordings.values().forEach(r -> all.add(r.status()));
        all.sort(Comparator.comparing(s -> s.path().toString()));
        return all;
    }

    /** Stops every recording; starts are refused from now on. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Recording recording : recordings.values()) {
            recording.stop();
        }
        recordings.clear();
    }

    private synchronized StartResult start(Stream stream) {
        if (closed) {
            return StartResult.CLOSED;
        }
        StreamPath path = stream.path();
        Recording existing = recordings.get(path);
        if (existing != null && existing.stream() == stream && existing.isRunning()) {
            return StartResult.ALREADY_RECORDING;
        }
        if (existing != null && existing.stream() == stream) {
            // Ended or failed: detach its tap (idle but still attached) before a new one takes over.
            existing.stop();
        }
        Recording recording = Recording.start(stream, config, clock, wallClockMs, opener, outcomes);
        recordings.put(path, recording);
        stream.onClose(() -> recordings.remove(path, recording));
        LOG.info("recording {} to {}", path, config.directory().resolve(path.app()).resolve(path.name()));
        return StartResult.STARTED;
    }
}
