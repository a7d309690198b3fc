package io.ringcast.broadcast.record;

import io.ringcast.broadcast.media.flv.FlvHeader;
import io.ringcast.broadcast.media.flv.FlvTag;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.tap.TapConsumer;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.PayloadBytes;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Records one stream as a series of FLV files, on its {@link io.ringcast.broadcast.tap.StreamTap}'s thread: decides
 * where files start and end, rebases timestamps to 0 per file and packs tags with a {@link TagAppender}; the disk
 * I/O happens on the recording's writer thread.
 *
 * <p>A file starts at a start point (a video keyframe, or any audio frame when there is no video) with the FLV
 * header, onMetaData (its duration cleared: it described the source) and the current sequence headers; audio
 * before the start frame's presentation time is skipped. It ends, and the next starts at the next start point, when
 * it is {@code maxDurationMs} long or {@code maxSizeBytes} big, when the publisher reconnects, or when a track's
 * sequence header changes (codec change); frames between the end and the next start point are skipped (counted).
 * Buffered tags go to the writer, which forces them to disk, at the first frame {@code flushIntervalMs} after the
 * previous hand-over, at each file end and at the end of the stream.
 *
 * <p>Nothing here waits or allocates per frame; when the writer is behind by the whole pool, or failed, the
 * recording stops (logged, reported in the {@link RecordingStatus}) and the stream goes on.
 */
public final class FlvRecorder implements TapConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(FlvRecorder.class);
    private static final int VIDEO = TrackKind.VIDEO.ordinal();
    private static final int AUDIO = TrackKind.AUDIO.ordinal();

    private enum State { AWAITING_START_POINT, RECORDING, STOPPED }

    private final Stream stream;
    private final long maxDurationMs;
    private final long maxSizeBytes;
    private final long flushIntervalNs;
    private final NanoClock clock;
    private final LongSupplier wallClockMs;
    private final ChunkPipe pipe;
    private final TagAppender appender;
    private final RecordingStatus status;
    /** The latest sequence header body per track, this session; never modified (TrackFormat arrays are shared). */
    private final byte[][] configs = new byte[TrackKind.values().length][];

    private State state = State.AWAITING_START_POINT;
    /** Until a reconnect, the stream's current formats stand in for sequence headers the tap has not seen. */
    private boolean useStreamFormats = true;
    private boolean seenSession;
    private boolean fileHasVideo;
    private long fileBaseMs;
    private long fileAudioStartMs;
    private long fileBytes;
    private long lastFlushNs;

    /**
     * @param pipe the hand-over to the recording's writer thread, which must already run
     */
    FlvRecorder(Stream stream, RecordConfig config, NanoClock clock, LongSupplier wallClockMs, ChunkPipe pipe,
                RecordingStatus status) {
        this.stream = stream;
        this.maxDurationMs = config.maxDurationMs();
        this.maxSizeBytes = config.maxSizeBytes();
        this.flushIntervalNs = TimeUnit.MILLISECONDS.toNanos(config.flushIntervalMs());
        this.clock = clock;
        this.wallClockMs = wallClockMs;
        this.pipe = pipe;
        this.appender = new TagAppender(pipe);
        this.status = status;
        this.lastFlushNs = clock.nanoTime();
    }

    @Override
    public void onFrame(TrackKind kind, FrameEvent frame, DirectBuffer payload, int offset, int length) {
        if (state == State.STOPPED) {
            return;
        }
        if (pipe.writerFailed()) {
            // The writer logged and reported the cause.
            state = State.STOPPED;
            appender.abandon();
            return;
        }
        if (frame.isSequenceHeader()) {
            onSequenceHeader(kind, frame, payload, offset, length);
        } else {
            onMediaFrame(kind, frame, payload, offset, length);
        }
        if (state == State.STOPPED) {
            return;
        }
        long now = clock.nanoTime();
        if (now - lastFlushNs >= flushIntervalNs) {
            lastFlushNs = now;
            if (!appender.flush()) {
                overrun();
            }
        }
    }

    @Override
    public void onNewSession(int session) {
        if (seenSession && state != State.STOPPED) {
            endFile();
            Arrays.fill(configs, null);
            useStreamFormats = false;
        }
        seenSession = true;
    }

    @Override
    public void onEnd() {
        if (state == State.STOPPED) {
            return;
        }
        state = State.STOPPED;
        if (!appender.close()) {
            overrun();
        }
    }

    private void onSequenceHeader(TrackKind kind, FrameEvent frame, DirectBuffer payload, int offset, int length) {
        byte[] previous = configs[kind.ordinal()];
        if (previous != null && PayloadBytes.equal(previous, payload, offset, length)) {
            return;
        }
        byte[] config = new byte[length];
        payload.getBytes(offset, config);
        configs[kind.ordinal()] = config;
        if (state != State.RECORDING) {
            return;
        }
        if (previous != null) {
            // A codec change: players need a fresh file; the next one starts with the new configuration.
            endFile();
        } else {
            // A track that had no configuration yet (it joined late): it goes into this file.
            append(kind, Math.max(0, frame.timestampMs() - fileBaseMs), payload, offset, length);
        }
    }

    private void onMediaFrame(TrackKind kind, FrameEvent frame, DirectBuffer payload, int offset, int length) {
        long timestampMs = frame.timestampMs();
        // A keyframe without picture data (an AVC end of sequence) cannot start a file.
        boolean startPoint = kind == TrackKind.VIDEO ? frame.isKeyframe() && length > frame.headerLength()
                : !(state == State.RECORDING ? fileHasVideo : knowsVideo());
        if (state == State.RECORDING && startPoint
                && (timestampMs - fileBaseMs >= maxDurationMs || fileBytes >= maxSizeBytes)) {
            endFile();
        }
        if (state == State.AWAITING_START_POINT) {
            if (!startPoint) {
                status.addFrameSkipped();
                return;
            }
            if (!startFile(kind, timestampMs, Math.max(0, frame.compositionTimeMs()))) {
                return;
            }
        }
        if (kind == TrackKind.AUDIO && timestampMs < fileAudioStartMs) {
            // Sound from before the first picture shows (interleaving, B-frame delay) belongs before the file.
            status.addFrameSkipped();
            return;
        }
        append(kind, timestampMs - fileBaseMs, payload, offset, length);
    }

    /**
     * @param presentationDelayMs the start frame's composition time: audio before its presentation is skipped, so
     *                            that the file's first sound and first picture coincide
     */
    private boolean startFile(TrackKind startKind, long baseMs, int presentationDelayMs) {
        if (useStreamFormats) {
            adoptStreamFormat(TrackKind.VIDEO);
            adoptStreamFormat(TrackKind.AUDIO);
        }
        boolean hasVideo = configs[VIDEO] != null || startKind == TrackKind.VIDEO;
        boolean hasAudio = configs[AUDIO] != null || startKind == TrackKind.AUDIO || hasFormat(TrackKind.AUDIO);
        byte[] metadata = stream.metadata();
        if (!appender.startFile(wallClockMs.getAsLong(), hasAudio, hasVideo)
                || (metadata != null && !appender.appendMetadata(metadata))
                || (configs[VIDEO] != null && !appender.appendTag(FlvTag.TYPE_VIDEO, 0, configs[VIDEO]))
                || (configs[AUDIO] != null && !appender.appendTag(FlvTag.TYPE_AUDIO, 0, configs[AUDIO]))) {
            overrun();
            return false;
        }
        fileBytes = (long) FlvHeader.LENGTH + tagBytes(metadata) + tagBytes(configs[VIDEO]) + tagBytes(configs[AUDIO]);
        fileBaseMs = baseMs;
        fileAudioStartMs = baseMs + presentationDelayMs;
        fileHasVideo = hasVideo;
        state = State.RECORDING;
        return true;
    }

    private void append(TrackKind kind, long timestampMs, DirectBuffer payload, int offset, int length) {
        if (!appender.appendTag(kind.flvTagType(), timestampMs, payload, offset, length)) {
            overrun();
            return;
        }
        fileBytes += length + FlvTag.OVERHEAD_BYTES;
        status.addFrameWritten();
    }

    /** Ends the current file, if any: what it buffered goes to disk now; the next file waits for a start point. */
    private void endFile() {
        if (state != State.RECORDING) {
            return;
        }
        state = State.AWAITING_START_POINT;
        lastFlushNs = clock.nanoTime();
        if (!appender.flush()) {
            overrun();
        }
    }

    /** The writer is behind by the whole pool (a slow or stalled disk): stop rather than slow the publisher. */
    private void overrun() {
        state = State.STOPPED;
        appender.abandon();
        status.countOverrun();
        String error = "recording stopped: the disk is too slow, all " + pipe.chunkCount() + " buffers of "
                + pipe.chunkBytes() + " bytes wait for the writer (current file " + status.currentFile() + ")";
        status.fail(error);
        LOG.error("{}: {}", stream.path(), error);
    }

    private boolean knowsVideo() {
        return configs[VIDEO] != null || (useStreamFormats && hasFormat(TrackKind.VIDEO));
    }

    private boolean hasFormat(TrackKind kind) {
        TrackRing ring = stream.track(kind);
        return ring != null && ring.format() != null;
    }

    private void adoptStreamFormat(TrackKind kind) {
        TrackRing ring = stream.track(kind);
        TrackFormat format = ring == null ? null : ring.format();
        if (configs[kind.ordinal()] == null && format != null && format.hasSequenceHeader()) {
            configs[kind.ordinal()] = format.sequenceHeader();
        }
    }

    private static int tagBytes(byte[] body) {
        return body == null ? 0 : body.length + FlvTag.OVERHEAD_BYTES;
    }
}
