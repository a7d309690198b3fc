package io.ringcast.broadcast.record;

import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.tap.StreamTap;
import io.ringcast.broadcast.time.NanoClock;

import java.util.function.LongSupplier;

/**
 * One running recording of one stream: its writer thread, its tap feeding an {@link FlvRecorder}, and its
 * status. Created and stopped by {@link Recordings} (under its lock); the parts run on their own threads.
 */
final class Recording {
    private final Stream stream;
    private final RecordingStatus status;
    private final StreamTap tap;
    private boolean stopped;

    private Recording(Stream stream, RecordingStatus status, StreamTap tap) {
        this.stream = stream;
        this.status = status;
        this.tap = tap;
    }

    /**
     * Starts the writer thread, then the tap from the stream's newest frame: at a stream's start that is its first
     * frame; mid-stream the first file begins at the next keyframe, with the sequence headers of the track formats.
     */
    static Recording start(Stream stream, RecordConfig config, NanoClock clock, LongSupplier wallClockMs,
                           ChannelOpener opener, RecordingOutcomes outcomes) {
        RecordingStatus status = new RecordingStatus(stream.path());
        ChunkPipe pipe = new ChunkPipe(config.chunkCount(), RecordConfig.CHUNK_BYTES);
        new RecordingWriter(stream.path(), pipe, new RecordingFiles(config.directory(), stream.path(), opener),
                status, outcomes, wallClockMs).start();
        FlvRecorder recorder = new FlvRecorder(stream, config, clock, wallClockMs, pipe, status);
        return new Recording(stream, status, StreamTap.start(stream, "record", recorder));
    }

    Stream stream() {
        return stream;
    }

    RecordingStatus status() {
        return status;
    }

    /** Whether it records: not stopped, and no error ended it. */
    boolean isRunning() {
        return !stopped && status.active();
    }

    /** Stops the tap (its thread hands the rest to the writer, which closes the file) and waits briefly for it. */
    void stop() {
        stopped = true;
        tap.close();
    }
}
