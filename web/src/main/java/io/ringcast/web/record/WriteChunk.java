package io.ringcast.web.record;

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

    WriteChunk(int capacityBytes) {
        this.buffer = ByteBuffer.allocateDirect(capacityBytes);
        this.view = new UnsafeBuffer(buffer);
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
    }
}
