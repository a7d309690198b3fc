package io.ringcast.broadcast.record;

import io.ringcast.broadcast.media.flv.OnMetaData;
import io.ringcast.broadcast.stream.StreamPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * The disk side of one recording, on its own thread: takes chunks of whole FLV tags from the {@link ChunkPipe},
 * opens a new file where a chunk says so (finishing the previous one), writes each chunk with as few
 * {@code write} calls as the operating system allows and forces the file where a chunk asks. An I/O error ends
 * the recording: it is logged with the file and its cause, reported in the {@link RecordingStatus}, and the chunks
 * still coming are returned unwritten until the tap closes the pipe.
 *
 * <p>Finishing a file, after an error too: it is cut back to its last whole tag (a write that a full disk stopped
 * half way leaves a torn tag, and a reader that finds no PreviousTagSize at the end cannot tell the duration: ffprobe
 * says 0), its onMetaData duration is set to its last tag's timestamp (in place: no new space needed), it is forced
 * and closed, and its {@link RecordingOutcome} goes to the server's {@link RecordingOutcomes}.
 */
final class RecordingWriter implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RecordingWriter.class);
    private static final double MS_PER_SECOND = 1_000.0;

    private final StreamPath path;
    private final ChunkPipe pipe;
    private final RecordingFiles files;
    private final RecordingStatus status;
    private final RecordingOutcomes outcomes;
    private final LongSupplier wallClockMs;
    private final ByteBuffer durationValue = ByteBuffer.allocate(OnMetaData.NUMBER_BYTES);
    private FileChannel channel;
    private Path file;
    private boolean failed;
    // The current file: where it started, what is written, and the last point it can be cut back to.
    private long fileStartEpochMs;
    private long fileBytes;
    private long wholeTagsBytes;
    private long wholeTagsDurationMs;
    private long durationValuePosition;

    RecordingWriter(StreamPath path, ChunkPipe pipe, RecordingFiles files, RecordingStatus status,
                    RecordingOutcomes outcomes, LongSupplier wallClockMs) {
        this.path = path;
        this.pipe = pipe;
        this.files = files;
        this.status = status;
        this.outcomes = outcomes;
        this.wallClockMs = wallClockMs;
    }

    /** Starts the writer's daemon thread. */
    Thread start() {
        Thread thread = new Thread(this, "ringcast-record-writer-" + path);
        thread.setDaemon(true);
        pipe.bindWriter(thread);
        thread.start();
        return thread;
    }

    @Override
    public void run() {
        while (true) {
            WriteChunk chunk = pipe.poll();
            if (chunk == null) {
                if (pipe.isDrained()) {
                    break;
                }
                continue;
            }
            if (!failed) {
                write(chunk);
            }
            pipe.release(chunk);
        }
        if (!failed) {
            closeFile();
        }
        status.ended();
    }

    private void write(WriteChunk chunk) {
        Path where = file;
        try {
            if (chunk.startsFile) {
                closeFile();
                if (failed) {
                    return;
                }
                where = files.streamDirectory();
                file = null;
                RecordingFiles.OpenFile opened = files.create(chunk.fileStartEpochMs);
                file = opened.path();
                where = file;
                channel = opened.channel();
                fileStartEpochMs = chunk.fileStartEpochMs;
                fileBytes = 0;
                wholeTagsBytes = 0;
                wholeTagsDurationMs = 0;
                durationValuePosition = -1;
                status.fileOpened(file.toString());
            }
            if (channel == null) {
                throw new IllegalStateException("chunk without a file: the first chunk must start one");
            }
            ByteBuffer bytes = chunk.buffer;
            bytes.clear().limit(chunk.length);
            long chunkStart = fileBytes;
            while (bytes.hasRemaining()) {
                int written = channel.write(bytes);
                fileBytes += written;
                status.addBytesWritten(written);
            }
            if (chunk.force) {
                channel.force(false);
            }
            if (chunk.durationValueOffset >= 0) {
                durationValuePosition = chunkStart + chunk.durationValueOffset;
            }
            if (chunk.lastTagEnd >= 0) {
                wholeTagsBytes = chunkStart + chunk.lastTagEnd;
                wholeTagsDurationMs = Math.max(wholeTagsDurationMs, chunk.lastTagTimestampMs);
            }
        } catch (IOException e) {
            fail(where, e);
        }
    }

    /** Finishes the current file, if any, after a normal end (rotation, stop, end of stream). */
    private void closeFile() {
        if (channel == null) {
            return;
        }
        try {
            finishFile();
            outcome(null);
        } catch (IOException e) {
            fail(file, e);
        }
    }

    /**
     * Cuts the file back to its last whole tag, writes its duration into its onMetaData and closes it; on an error
     * the channel is closed all the same.
     */
    private void finishFile() throws IOException {
        try (FileChannel closing = channel) {
            channel = null;
            if (fileBytes > wholeTagsBytes) {
                closing.truncate(wholeTagsBytes);
                fileBytes = wholeTagsBytes;
            }
            if (durationValuePosition >= 0 && durationValuePosition + OnMetaData.NUMBER_BYTES <= fileBytes) {
                durationValue.clear();
                durationValue.putDouble(0, wholeTagsDurationMs / MS_PER_SECOND);
                while (durationValue.hasRemaining()) {
                    closing.write(durationValue, durationValuePosition + durationValue.position());
                }
            }
            closing.force(false);
        }
    }

    private void outcome(String error) {
        outcomes.add(new RecordingOutcome(path, file == null ? null : file.toString(), fileStartEpochMs,
                wallClockMs.getAsLong(), fileBytes, wholeTagsDurationMs, error));
    }

    private void fail(Path where, IOException cause) {
        failed = true;
        String error = where + ": " + cause;
        status.fail(error);
        pipe.markWriterFailed();
        LOG.error("recording of {} stopped, the stream goes on: {}", path, error, cause);
        if (channel != null) {
            try {
                finishFile();
            } catch (IOException repair) {
                LOG.error("recording of {}: could not finish {} after the error: {}", path, file, repair.toString());
            }
        }
        if (file == null) {
            // It could not be created: an outcome without a file.
            fileStartEpochMs = wallClockMs.getAsLong();
            fileBytes = 0;
            wholeTagsDurationMs = 0;
        }
        outcome(error);
    }
}
