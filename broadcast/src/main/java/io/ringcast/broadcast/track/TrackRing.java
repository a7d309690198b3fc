package io.ringcast.broadcast.track;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;

/**
 * One track's frames: a single-producer Disruptor ring of {@link FrameEvent} descriptors plus a direct byte ring
 * (an Agrona {@link UnsafeBuffer}) holding their payloads back to back, reused as the producer wraps.
 *
 * <p>Threads: exactly one producer at a time (the publishing connection's ingest thread) calls {@link #reserve},
 * writes into {@link #payloadBuffer()} and calls {@link #publish}; a new publisher may take over only after the
 * previous one has stopped, with a happens-before edge between them (the stream's lifecycle lock). Subscribers
 * never gate the producer: they read slots and payload bytes optimistically and validate afterwards, seqlock style,
 * with {@link #isSlotValid} and {@link #isPayloadIntact}; they write a payload to the network straight from this
 * ring only while it is clear of the producer ({@link #isPayloadClearOfProducer}), and validate after the write.
 * Gating consumers that must see every frame (segmenters, recorders) add their sequences to {@link #ringBuffer()}
 * as Disruptor event processors.
 *
 * <p>The payload ring's direct memory comes from a {@link RingMemoryPool} when the producer reserves the first
 * frame, not when the ring is created: a stream that never sends media (or never sends this track) costs none.
 * Readers touch the payload only for published frames, so the publish of the first frame (a release of the cursor)
 * makes the buffer visible to them. The ring gives the memory back to the pool once the stream has closed
 * ({@link #releaseStreamHold}), its writers have left ({@link #holdForWriter}, {@link #releaseWriter}) and its taps
 * are removed: the reserved limit then jumps to its maximum, so a reader still holding a view fails validation
 * from then on, before another stream's ring writes there.
 *
 * <pre>
 *  payload ring (capacity C, power of two), positions are monotonic byte counts:
 *  |..frame k..|..frame k+1..|pad|  (a frame never wraps: the producer skips to the next lap instead)
 *  bytes of position p are intact while p >= reservedLimit - C
 * </pre>
 */
public final class TrackRing {
    private static final VarHandle RESERVED_LIMIT;
    private static final long TAP_WAIT_NS = 1_000;

    static {
        try {
            RESERVED_LIMIT = MethodHandles.lookup().findVarHandle(TrackRing.class, "reservedLimit", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final TrackKind kind;
    private final RingBuffer<FrameEvent> ring;
    private final int slotCount;
    /** Wraps nothing until the producer's first {@link #reserve}; then the payload ring, for good. */
    private final UnsafeBuffer payload = new UnsafeBuffer(0, 0);
    private final int payloadCapacity;
    private final long payloadMask;
    private final int maxFrameBytes;
    private final RingMemoryPool memoryPool;

    /** The payload ring's memory: null until the first frame, and again once the ring gave it back. */
    private ByteBuffer payloadMemory;
    /** Producer-only: whether it has reserved a frame (media arrived). */
    private boolean reservedAny;
    /** {@link #reservedAny} for other threads; set once, read by stats and the lifecycle timer. */
    private volatile boolean hasMedia;
    /** Who keeps the payload memory: the open stream, writers, taps. Guarded by this. */
    private int holders = 1;
    /** Guarded by this. */
    private boolean streamHoldReleased;
    /** The memory went back to the pool; guarded by this. */
    private boolean retired;
    /** Producer-only: next free payload position. */
    private long writePosition;
    /** Producer-only: publisher session written into each frame. */
    private int session;
    /** Consumers that must see every frame; their unconsumed payload bytes must not be overwritten. */
    private volatile Sequence[] taps = new Sequence[0];
    /** End of the highest payload region the producer has claimed; published before it writes there. */
    @SuppressWarnings("unused")
    private volatile long reservedLimit;
    private volatile long newestKeyframeSequence = -1;
    private volatile TrackFormat format;
    private final TrackRates rates = new TrackRates();
    private volatile long framesPublished;
    private volatile long bytesPublished;

    /**
     * @param kind                 video or audio
     * @param slotCount            descriptor slots, a power of two
     * @param payloadCapacityBytes payload ring size, a power of two; one frame may take at most half of it;
     *                             allocated (direct) at the first {@link #reserve}
     */
    public TrackRing(TrackKind kind, int slotCount, int payloadCapacityBytes) {
        this(kind, slotCount, payloadCapacityBytes, new RingMemoryPool());
    }

    /**
     * A ring whose payload memory comes from {@code memoryPool} at the first frame and goes back there once the
     * stream, its writers and its taps let go of it ({@link #releaseStreamHold}).
     */
    public TrackRing(TrackKind kind, int slotCount, int payloadCapacityBytes, RingMemoryPool memoryPool) {
        if (!BitUtil.isPowerOfTwo(slotCount) || slotCount < 16) {
            throw new IllegalArgumentException("slotCount must be a power of two >= 16: " + slotCount);
        }
        if (!BitUtil.isPowerOfTwo(payloadCapacityBytes) || payloadCapacityBytes < 4096) {
            throw new IllegalArgumentException("payloadCapacityBytes must be a power of two >= 4096: "
                    + payloadCapacityBytes);
        }
        this.kind = kind;
        this.slotCount = slotCount;
        this.ring = RingBuffer.createSingleProducer(FrameEvent::new, slotCount, new BlockingWaitStrategy());
        this.payloadCapacity = payloadCapacityBytes;
        this.payloadMask = payloadCapacityBytes - 1L;
        this.maxFrameBytes = payloadCapacityBytes / 2;
        this.memoryPool = memoryPool;
    }

    public TrackKind kind() {
        return kind;
    }

    /** The largest payload {@link #reserve} accepts. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    // ---------------------------------------------------------------- producer side (ingest thread)

    /**
     * Claims {@code length} contiguous payload bytes and returns their position (the first claim of a ring can
     * throw {@link RingMemoryExhaustedException}); the producer then writes them at
     * {@link #offsetOf(long)} in {@link #payloadBuffer()} (possibly over several socket reads) and calls
     * {@link #publish}. A reservation that is never published (an aborted message) only wastes ring space.
     */
    public long reserve(int length) {
        assert length >= 0 && length <= maxFrameBytes : length;
        if (!reservedAny) {
            firstReservation();
        }
        long position = writePosition;
        int offset = (int) (position & payloadMask);
        if (offset + length > payloadCapacity) {
            position += payloadCapacity - offset;
        }
        long end = position + length;
        if (taps.length > 0) {
            awaitTapsBeyond(end - payloadCapacity);
        }
        writePosition = end;
        RESERVED_LIMIT.setOpaque(this, end);
        // Readers must see the new limit before they can see any byte written over older frames.
        VarHandle.storeStoreFence();
        return position;
    }

    /**
     * Once per ring, on the producer's thread: media has arrived, the payload memory comes from the pool.
     *
     * @throws RingMemoryExhaustedException when the JVM has no direct memory for it; nothing was reserved
     */
    private void firstReservation() {
        synchronized (this) {
            if (retired) {
                throw new IllegalStateException("the " + kind + " ring of a closed stream gave its memory back");
            }
            payloadMemory = memoryPool.take(payloadCapacity);
            payload.wrap(payloadMemory);
        }
        reservedAny = true;
        hasMedia = true;
    }

    /** Whether the producer has reserved a frame: media arrived on this track. Any thread. */
    public boolean hasMedia() {
        return hasMedia;
    }

    /** Whether the ring holds payload memory now (from the first frame until it gave the memory back). */
    public synchronized boolean hasPayloadMemory() {
        return payloadMemory != null;
    }

    // ---------------------------------------------------------------- who keeps the memory (cold path)

    /**
     * A writer (a publisher session) is about to produce: the ring keeps its payload memory at least until
     * {@link #releaseWriter}. Called before the session is handed out.
     */
    public synchronized void holdForWriter() {
        holders++;
    }

    /** The writer of {@link #holdForWriter} has stopped for good (its thread writes nothing more). */
    public synchronized void releaseWriter() {
        letGo();
    }

    /** The stream closed: once writers and taps are gone too, the memory goes back to the pool. Idempotent. */
    public synchronized void releaseStreamHold() {
        if (!streamHoldReleased) {
            streamHoldReleased = true;
            letGo();
        }
    }

    private void letGo() {
        holders--;
        assert holders >= 0 : holders;
        if (holders == 0 && payloadMemory != null) {
            // Every later validation of a read from this ring fails: the next owner may write there from now on.
            RESERVED_LIMIT.setVolatile(this, Long.MAX_VALUE);
            memoryPool.give(payloadMemory);
            payloadMemory = null;
            retired = true;
        }
    }

    /** The payload ring's size in bytes, allocated or not. */
    public int payloadCapacityBytes() {
        return payloadCapacity;
    }

    /** Offset in {@link #payloadBuffer()} of a payload position. */
    public int offsetOf(long position) {
        return (int) (position & payloadMask);
    }

    /**
     * The payload ring; producers write reserved regions, subscribers copy published ones and then validate. It
     * wraps no memory before the producer's first {@link #reserve}, when there is no published frame to read.
     */
    public MutableDirectBuffer payloadBuffer() {
        return payload;
    }

    /**
     * Publishes a frame whose payload was written at a reserved position. Returns the frame's sequence.
     * Sequence headers must be preceded by {@link #updateFormat} so that joiners find them; the frame carries that
     * format ({@link FrameEvent#format()}).
     */
    public long publish(long position, int length, int headerLength, Codec codec, boolean keyframe,
                        boolean sequenceHeader, long timestampMs, int compositionTimeMs, long ingestNanos,
                        long order) {
        long sequence = ring.next();
        FrameEvent e = ring.get(sequence);
        e.codec = codec;
        e.keyframe = keyframe;
        e.sequenceHeader = sequenceHeader;
        e.timestampMs = timestampMs;
        e.compositionTimeMs = compositionTimeMs;
        e.ingestNanos = ingestNanos;
        e.order = order;
        e.payloadPosition = position;
        e.payloadLength = length;
        e.headerLength = headerLength;
        e.session = session;
        e.format = sequenceHeader ? format : null;
        ring.publish(sequence);
        if (keyframe && !sequenceHeader) {
            newestKeyframeSequence = sequence;
        }
        framesPublished = framesPublished + 1;
        bytesPublished = bytesPublished + length;
        return sequence;
    }

    /** Reserves, copies and publishes in one go; for producers that do not reassemble in place. */
    public long publishCopy(DirectBuffer src, int srcOffset, int length, int headerLength, Codec codec,
                            boolean keyframe, boolean sequenceHeader, long timestampMs, int compositionTimeMs,
                            long ingestNanos, long order) {
        long position = reserve(length);
        payload.putBytes(offsetOf(position), src, srcOffset, length);
        return publish(position, length, headerLength, codec, keyframe, sequenceHeader, timestampMs,
                compositionTimeMs, ingestNanos, order);
    }

    /** Marks the frames published from now on as belonging to publisher session {@code id}. Producer only. */
    public void beginSession(int id) {
        session = id;
    }

    /**
     * Waits until every tap has consumed the frames whose payload lies below {@code position} (they are about to be
     * overwritten). Taps are fast in-process consumers; this is the only place the producer ever waits for one.
     */
    private void awaitTapsBeyond(long position) {
        for (Sequence tap : taps) {
            while (true) {
                long next = tap.get() + 1;
                if (next > ring.getCursor() || ring.get(next).payloadPosition >= position) {
                    break;
                }
                LockSupport.parkNanos(TAP_WAIT_NS);
            }
        }
    }

    /**
     * Adds a consumer that must see every frame: the ring will not overwrite a slot or payload it has not consumed
     * (its sequence = the last sequence it consumed). Returns the sequence, initialised to the current cursor.
     */
    public synchronized Sequence addTap() {
        holders++;
        Sequence tap = new Sequence(ring.getCursor());
        ring.addGatingSequences(tap);
        Sequence[] grown = java.util.Arrays.copyOf(taps, taps.length + 1);
        grown[taps.length] = tap;
        taps = grown;
        return tap;
    }

    /** Removes a tap: the producer no longer waits for it. */
    public synchronized void removeTap(Sequence tap) {
        ring.removeGatingSequence(tap);
        Sequence[] fewer = java.util.Arrays.stream(taps).filter(t -> t != tap).toArray(Sequence[]::new);
        if (fewer.length < taps.length) {
            taps = fewer;
            letGo();
        }
    }

    /** Replaces the codec configuration new subscribers start with. */
    public void updateFormat(TrackFormat newFormat) {
        format = newFormat;
    }

    // ---------------------------------------------------------------- subscriber side (any thread)

    /** Highest published sequence, -1 before the first frame. */
    public long cursor() {
        return ring.getCursor();
    }

    /** Sequence of the newest published keyframe (not a sequence header), -1 if none yet. */
    public long newestKeyframeSequence() {
        return newestKeyframeSequence;
    }

    /** The slot for a sequence; its contents are only trustworthy once {@link #isSlotValid} confirms them. */
    public FrameEvent slot(long sequence) {
        return ring.get(sequence);
    }

    /**
     * Whether a slot read for {@code sequence} before this call still described that sequence. The producer writes
     * slot {@code s + slotCount} only after publishing {@code s + slotCount - 1}, so a cursor at most
     * {@code s + slotCount - 2} proves nobody was rewriting it.
     */
    public boolean isSlotValid(long sequence) {
        VarHandle.loadLoadFence();
        return ring.getCursor() <= sequence + slotCount - 2;
    }

    /** Whether payload bytes at {@code position} copied before this call were not being overwritten. */
    public boolean isPayloadIntact(long position) {
        VarHandle.loadLoadFence();
        return position >= (long) RESERVED_LIMIT.getOpaque(this) - payloadCapacity;
    }

    /**
     * Whether payload at {@code position} lies in the newer half of the ring: a write of it started now is done
     * long before the producer could reach it (it would have to reserve half the ring meanwhile). Subscribers write
     * only such payloads to the network straight from the ring; an older one means the viewer is far behind.
     */
    public boolean isPayloadClearOfProducer(long position) {
        return position >= (long) RESERVED_LIMIT.getOpaque(this) - payloadCapacity / 2;
    }

    /** Oldest sequence that may still be read, given the cursor. */
    public long oldestReadableSequence(long cursor) {
        return Math.max(0, cursor - slotCount + 2);
    }

    /** Current codec configuration, null before the first sequence header. */
    public TrackFormat format() {
        return format;
    }

    public int slotCount() {
        return slotCount;
    }

    public long framesPublished() {
        return framesPublished;
    }

    public long bytesPublished() {
        return bytesPublished;
    }

    /** Bitrate and frame rate over the last second, as sampled by the engine's housekeeping. */
    public TrackRates rates() {
        return rates;
    }

    /** The underlying Disruptor ring, for gating event processors that must see every frame. */
    public RingBuffer<FrameEvent> ringBuffer() {
        return ring;
    }
}
