package io.ringcast.broadcast.record;

import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The bounded hand-over between one recording's tap thread, which fills chunks, and its writer thread, which
 * writes them: a fixed pool of {@link WriteChunk}s cycling through two single-producer single-consumer queues.
 * Nothing blocks and nothing allocates after construction. When the pool is empty the writer is behind by the
 * whole pool, and {@link #acquire()} says so with null; the caller then gives up rather than wait.
 */
final class ChunkPipe {
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final OneToOneConcurrentArrayQueue<WriteChunk> free;
    private final OneToOneConcurrentArrayQueue<WriteChunk> toWrite;
    private final int chunkCount;
    private final int chunkBytes;
    private volatile Thread writer;
    private volatile boolean closed;
    private volatile boolean writerFailed;

    ChunkPipe(int chunkCount, int chunkBytes) {
        if (chunkCount < 2) {
            throw new IllegalArgumentException("chunkCount must be at least 2: " + chunkCount);
        }
        if (chunkBytes < 4096) {
            throw new IllegalArgumentException("chunkBytes must be at least 4096: " + chunkBytes);
        }
        this.chunkCount = chunkCount;
        this.chunkBytes = chunkBytes;
        this.free = new OneToOneConcurrentArrayQueue<>(chunkCount);
        this.toWrite = new OneToOneConcurrentArrayQueue<>(chunkCount);
        for (int i = 0; i < chunkCount; i++) {
            free.offer(new WriteChunk(chunkBytes));
        }
    }

    int chunkCount() {
        return chunkCount;
    }

    int chunkBytes() {
        return chunkBytes;
    }

    // ------------------------------------------------------------------ tap thread

    /** An empty chunk, or null when every chunk waits for the writer. */
    WriteChunk acquire() {
        WriteChunk chunk = free.poll();
        if (chunk != null) {
            chunk.reset();
        }
        return chunk;
    }

    /** Queues a filled chunk for the writer; never fails, as the queue holds the whole pool. */
    void send(WriteChunk chunk) {
        boolean queued = toWrite.offer(chunk);
        assert queued;
        Thread w = writer;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** No chunk follows: the writer writes what is queued, closes the file and ends. */
    void close() {
        closed = true;
        Thread w = writer;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** Chunks in the pool now (neither being filled nor waiting for or in the writer); any thread, for tests. */
    int freeChunks() {
        return free.size();
    }

    /** Whether the writer gave up on an I/O error (it logged and reported the cause). */
    boolean writerFailed() {
        return writerFailed;
    }

    // ------------------------------------------------------------------ writer thread

    /** Binds the thread that {@link #send} wakes; called by that thread before it first polls. */
    void bindWriter(Thread thread) {
        writer = thread;
    }

    /** The next chunk to write, waiting up to a short idle period; null when none came. */
    WriteChunk poll() {
        WriteChunk chunk = toWrite.poll();
        if (chunk == null && !closed) {
            LockSupport.parkNanos(this, IDLE_PARK_NS);
            chunk = toWrite.poll();
        }
        return chunk;
    }

    /** Whether the tap closed the pipe and every chunk it sent has been polled. */
    boolean isDrained() {
        return closed && toWrite.isEmpty();
    }

    void release(WriteChunk chunk) {
        boolean returned = free.offer(chunk);
        assert returned;
    }

    void markWriterFailed() {
        writerFailed = true;
    }
}
