package io.ringcast.broadcast.track;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The direct memory of track rings' payloads, recycled: a closed stream's rings give theirs back and the next
 * stream's rings take it, so streams coming and going allocate nothing after the busiest moment and free nothing.
 * Thread-safe; used on the cold path only (a publish, a close), under its own lock.
 *
 * <p>Why not leave a closed ring to the garbage collector: a direct buffer's memory returns only when the collector
 * finds its {@code DirectByteBuffer} unreachable and its cleaner runs, and ZGC (the launcher's collector) never does
 * so while an object awaiting finalization reaches any direct buffer: the JDK's cleaner list links them all.
 * Undertow's and XNIO's buffer pools have such finalizers, so a ZGC server churning streams ran out of direct
 * memory after a dozen. Freeing explicitly is no option either: viewers read a ring optimistically and may still
 * hold views of it after their stream closed. A recycled ring is never freed, and a reader of the old ring fails
 * its validation ({@link TrackRing#isPayloadIntact}), as a lapped reader does.
 *
 * <p>Bounded: streams reserve their rings' worst case from the direct memory budget before they exist, so what this
 * pool ever allocated stays within the budget's peak use.
 */
public final class RingMemoryPool {
    private final IntFunction<ByteBuffer> allocator;
    private final Map<Integer, ArrayDeque<ByteBuffer>> idleByCapacity = new HashMap<>();
    private long allocatedBytes;
    private long idleBytes;
    private long allocationFailures;

    /** A pool that allocates with {@link ByteBuffer#allocateDirect}. */
    public RingMemoryPool() {
        this(ByteBuffer::allocateDirect);
    }

    /** @param allocator direct buffers of the asked capacity; may throw {@link OutOfMemoryError} (tests inject it) */
    public RingMemoryPool(IntFunction<ByteBuffer> allocator) {
        this.allocator = allocator;
    }

    /**
     * A buffer of {@code capacityBytes} for a ring: an idle one when there is one (its old bytes are left in place,
     * a ring never reads what its producer has not written), else a new one.
     *
     * @throws RingMemoryExhaustedException when the JVM has no direct memory left for a new one
     */
    public synchronized ByteBuffer take(int capacityBytes) {
        ArrayDeque<ByteBuffer> idle = idleByCapacity.get(capacityBytes);
        ByteBuffer reused = idle == null ? null : idle.pollLast();
        if (reused != null) {
            idleBytes -= capacityBytes;
            return reused;
        }
        ByteBuffer created;
        try {
            created = allocator.apply(capacityBytes);
        } catch (OutOfMemoryError e) {
            allocationFailures++;
            throw new RingMemoryExhaustedException("the JVM has no direct memory left for a ring of "
                    + capacityBytes + " bytes (" + allocatedBytes + " bytes in rings; raise -XX:MaxDirectMemorySize"
                    + " or lower [ring] video_payload_bytes)", e);
        }
        allocatedBytes += capacityBytes;
        return created;
    }

    /** Takes back a buffer from {@link #take}, for the next ring of its capacity. */
    public synchronized void give(ByteBuffer memory) {
        idleByCapacity.computeIfAbsent(memory.capacity(), c -> new ArrayDeque<>()).addLast(memory);
        idleBytes += memory.capacity();
    }

    /** Direct memory this pool has allocated, in rings and idle. */
    public synchronized long allocatedBytes() {
        return allocatedBytes;
    }

    /** Of {@link #allocatedBytes()}, what waits for the next stream. */
    public synchronized long idleBytes() {
        return idleBytes;
    }

    /** Times a new buffer could not be allocated. */
    public synchronized long allocationFailures() {
        return allocationFailures;
    }
}
