package io.ringcast.web.record;

import io.ringcast.broadcast.stream.StreamPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The disk side of one recording, on its own thread: takes chunks of whole FLV tags from the {@link ChunkPipe},
 * opens a new file where a chunk says so (closing and forcing the previous one), writes each chunk with as few
 * {@code write} calls as the operating system allows and forces the file where a chunk asks. An I/O error ends
 * the recording: it is logged with the file and its cause, reported in the {@link RecordingStatus}, and the chunks
 * still coming are returned unwritten until the tap closes the pipe.
 */
final class RecordingWriter implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RecordingWriter.class);

    private final StreamPath path;
    private final ChunkPipe pipe;
    private final RecordingFiles files;
    private final RecordingStatus status;
    private FileChannel channel;
    private Path file;
    private boolean failed;

    RecordingWriter(StreamPath path, ChunkPipe pipe, RecordingFiles files, RecordingStatus status) {
        this.path = path;
        this.pipe = pipe;
        this.files = files;
        this.status = status;
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
                RecordingFiles.OpenFile opened = files.create(chunk.fileStartEpochMs);
                file = opened.path();
                where = file;
                channel = opened.channel();
                status.fileOpened(file.toString());
            }
            if (channel == null) {
                throw new IllegalStateException("chunk without a file: the first chunk must start one");
            }
            ByteBuffer bytes = chunk.buffer;
            bytes.clear().limit(chunk.length);
            while (bytes.hasRemaining()) {
                status.addBytesWritten(channel.write(bytes));
            }
            if (chunk.force) {
                channel.force(false);
            }
        } catch (IOException e) {
            fail(where, e);
        }
    }

    private void closeFile() {
        if (channel == null) {
            return;
        }
        try (FileChannel closing = channel) {
            channel = null;
            closing.force(false);
        } catch (IOException e) {
            fail(file, e);
        }
    }

    private void fail(Path where, IOException cause) {
        failed = true;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                cause.addSuppressed(suppressed);
            }
            channel = null;
        }
        String error = where + ": " + cause;
        status.fail(error);
        pipe.markWriterFailed();
        LOG.error("recording of {} stopped, the stream goes on: {}", path, error, cause);
    }
}
