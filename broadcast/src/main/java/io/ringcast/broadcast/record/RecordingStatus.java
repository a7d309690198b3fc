package io.ringcast.broadcast.record;

import io.ringcast.broadcast.stream.StreamPath;

/**
 * What one recording has done, for the stats API: whether it runs, its current file, bytes and files written,
 * frames written and skipped, and the error that stopped it. Each counter has one writing thread (the tap thread
 * or the writer thread, as marked); any thread reads.
 */
public final class RecordingStatus {
    private final StreamPath path;
    private volatile boolean active = true;
    /** Writer thread. */
    private volatile String currentFile;
    private volatile long bytesWritten;
    private volatile long filesWritten;
    /** Tap thread. */
    private volatile long framesWritten;
    private volatile long framesSkipped;
    private volatile long overruns;
    /** Whichever thread stopped the recording. */
    private volatile String lastError;

    RecordingStatus(StreamPath path) {
        this.path = path;
    }

    public StreamPath path() {
        return path;
    }

    /** False once the recording ended: stopped, its stream ended, or an error stopped it. */
    public boolean active() {
        return active;
    }

    /** The file being written (or last written), null before the first. */
    public String currentFile() {
        return currentFile;
    }

    /** Bytes written to files (handed to the operating system) by this recording. */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** Files this recording created. */
    public long filesWritten() {
        return filesWritten;
    }

    /** Frames copied towards the files. */
    public long framesWritten() {
        return framesWritten;
    }

    /** Frames not recorded: before the first keyframe of a file, or older than its start. */
    public long framesSkipped() {
        return framesSkipped;
    }

    /** Times the writer fell behind by the whole write buffer (each stops the recording). */
    public long overruns() {
        return overruns;
    }

    /** Why the recording stopped ("path: cause"), null when it did not fail. */
    public String lastError() {
        return lastError;
    }

    // ------------------------------------------------------------------ writer thread

    void fileOpened(String file) {
        currentFile = file;
        filesWritten = filesWritten + 1;
    }

    void addBytesWritten(long bytes) {
        bytesWritten = bytesWritten + bytes;
    }

    // ------------------------------------------------------------------ tap thread

    void addFrameWritten() {
        framesWritten = framesWritten + 1;
    }

    void addFrameSkipped() {
        framesSkipped = framesSkipped + 1;
    }

    void countOverrun() {
        overruns = overruns + 1;
    }

    // ------------------------------------------------------------------ either

    void fail(String error) {
        lastError = error;
        active = false;
    }

    void ended() {
        active = false;
    }

    @Override
    public String toString() {
        return "RecordingStatus[" + path + (active ? " active" : " ended") + " file=" + currentFile + " bytes="
                + bytesWritten + " files=" + filesWritten + " frames=" + framesWritten + " skipped=" + framesSkipped
                + (lastError == null ? "" : " error=" + lastError) + "]";
    }
}
