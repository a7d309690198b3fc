package io.ringcast.broadcast.record;

import io.ringcast.broadcast.media.flv.OnMetaData;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * One pooled piece of a recording on its way to disk: a direct buffer of whole FLV tags plus what the writer must
 * do around them. Filled by the tap thread between {@link ChunkPipe#acquire()} and {@link ChunkPipe#send}, then
 * read by the writer thread until it {@link ChunkPipe#release releases} it; the queues between them order the
 * hand-overs.
 */
final class WriteChunk {
    /** The bytes, written in place by the writer (no copy to a temporary direct buffer). */
    final ByteBuffer buffer;
    /** The same memory for the tap thread's FLV writers. */
    final UnsafeBuffer view;
    /** Bytes filled, from 0. */
    int length;
    /** Close the current file (if any) and open a new one before writing these bytes. */
    boolean startsFile;
    /** Wall-clock start of the new file, epoch milliseconds, names it. */
    long fileStartEpochMs;
    /** Force the file to the device after writing these bytes. */
    boolean force;
    /** Where the last whole tag in these bytes ends (a point the file can be cut back to); -1 if none ends here. */
    int lastTagEnd;
    /** That tag's timestamp, milliseconds from the file's start. */
    long lastTagTimestampMs;
    /** Offset of the onMetaData duration value in these bytes, -1 if not here (see {@link OnMetaData}). */
    int durationValueOffset;

    WriteChunk(int capacityBytes) {
        this.buffer = ByteBuffer.allocateDirect(capacityBytes);
        this.view = new UnsafeBuffer(buffer);
        reset();
    }

    int capacity() {
        return buffer.capacity();
    }

    int remaining() {
        return buffer.capacity() - length;
    }

    void reset() {
        length = 0;
        startsFile = false;
        fileStartEpochMs = 0;
        force = false;
        lastTagEnd = -1;
        lastTagTimestampMs = 0;
        durationValueOffset = -1;
    }
}
