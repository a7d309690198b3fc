package io.ringcast.ingest.server;

import io.ringcast.broadcast.subscribe.GatheredWrite;
import io.ringcast.ingest.chunk.ChunkEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The outgoing byte path of one playing connection (or of an upstream push once it publishes): non-blocking
 * writes to its socket, the bytes the socket did not take yet, and a queue of command replies waiting for a message
 * boundary. Owned by whichever thread holds
 * the connection's write role: its {@link PlayerLoop} while no subscription is attached, the subscription's
 * fan-out worker (through {@link RtmpPlaySink}) while one is. The role moves only through the loop's queues, which
 * order every access. {@link #enqueueControl} alone may be called by the loop while a worker holds the role.
 *
 * <p>Messages are chunked in the writing thread's scratch buffer ({@link #SCRATCH}) and go to the socket from
 * there; only what the socket does not take is copied into {@link #pending}, which is allocated on first need. A
 * viewer that keeps up thus holds no buffer of its own (a per-viewer buffer the size of a keyframe would cost
 * hundreds of megabytes at a thousand viewers). Everything in pending is whole RTMP messages, so a reply appended
 * after it always lands on a message boundary and never splits a media message. Pending is bounded by
 * {@code maxPendingBytes}.
 */
public final class PlayerOutput {
    private static final int INITIAL_PENDING_BYTES = 64 * 1024;
    /** Per thread holding write roles (fan-out workers, player loops); grows to the largest chunked message. */
    private static final ThreadLocal<ExpandableDirectByteBuffer> SCRATCH =
            ThreadLocal.withInitial(() -> new ExpandableDirectByteBuffer(INITIAL_PENDING_BYTES));
    /** Replies waiting; a peer that makes this many without reading is beyond help. */
    private static final int CONTROL_QUEUE_CAPACITY = 256;

    private final SocketChannel channel;
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final ManyToOneConcurrentArrayQueue<byte[]> controls =
            new ManyToOneConcurrentArrayQueue<>(CONTROL_QUEUE_CAPACITY);
    /** Bytes the socket has not taken yet; null until the first time it refused some. */
    private ExpandableDirectByteBuffer pending;
    private final int maxPendingBytes;
    /**
     * Bytes go out from the video ring, the audio ring, the scratch buffer and pending in turn; a cached view of
     * each keeps writes free of allocation.
     */
    private final Views views = new Views();
    private int pendingStart;
    private int pendingEnd;
    private long bytesWritten;
    /** Whether messages of this output wait in the thread's {@link GatheredWrite} (see {@link #gatherFor}). */
    private boolean gathering;

    /**
     * @param chunkSizeBytes  outgoing chunk size in force on the connection (sent on connect)
     * @param maxPendingBytes most bytes kept for a socket that does not take them; more fails the viewer
     */
    public PlayerOutput(SocketChannel channel, int chunkSizeBytes, int maxPendingBytes) {
        if (maxPendingBytes < INITIAL_PENDING_BYTES) {
            throw new IllegalArgumentException("maxPendingBytes must be >= " + INITIAL_PENDING_BYTES + ": "
                    + maxPendingBytes);
        }
        this.channel = channel;
        this.encoder.chunkSizeBytes(chunkSizeBytes);
        this.maxPendingBytes = maxPendingBytes;
    }

    SocketChannel channel() {
        return channel;
    }

    ChunkEncoder encoder() {
        return encoder;
    }

    int chunkSizeBytes() {
        return encoder.chunkSizeBytes();
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    /** Whether this connection has a buffer of its own (only after the socket refused bytes once). */
    boolean holdsPendingBuffer() {
        return pending != null;
    }

    /** Whether nothing waits for the socket (replies still queued are not counted). */
    /** Bytes the socket has not taken yet. */
    public int pendingBytes() {
        return pendingEnd - pendingStart;
    }

    boolean isEmpty() {
        return pendingStart == pendingEnd;
    }

    /**
     * Queues encoded reply messages for the write-role holder; loop thread. Copies them (replies are rare).
     *
     * @throws IOException when the peer let too many replies pile up without reading
     */
    void enqueueControl(DirectBuffer messages, int length) throws IOException {
        byte[] copy = new byte[length];
        messages.getBytes(0, copy);
        if (!controls.offer(copy)) {
            throw new IOException("peer does not read: " + CONTROL_QUEUE_CAPACITY + " replies queued");
        }
    }

    boolean hasQueuedControls() {
        return !controls.isEmpty();
    }

    /**
     * Moves queued replies behind the pending bytes and writes as much as the socket takes; write-role holder.
     * Gathered messages stay gathered (they leave with the batch) unless replies wait: those go after them.
     *
     * @return true when nothing is left pending
     */
    public boolean drain() throws IOException {
        if (controls.isEmpty()) {
            return writePending();
        }
        writeGathered();
        byte[] reply;
        while ((reply = controls.poll()) != null) {
            reserve(reply.length);
            pending.putBytes(pendingEnd, reply);
            pendingEnd += reply.length;
        }
        return writePending();
    }

    /** Writes gathered messages, then pending bytes, without waiting; returns true when nothing is left. */
    public boolean flushPending() throws IOException {
        return writeGathered() && writePending();
    }

    private boolean writePending() throws IOException {
        if (pendingStart == pendingEnd) {
            return true;
        }
        ByteBuffer view = views.of(pending.byteBuffer());
        view.clear();
        view.position(pendingStart).limit(pendingEnd);
        int written = channel.write(view);
        bytesWritten += written;
        pendingStart += written;
        if (pendingStart == pendingEnd) {
            pendingStart = 0;
            pendingEnd = 0;
            return true;
        }
        return false;
    }

    /**
     * Writes bytes that are ready to go (a whole message with its chunk header) straight from the caller's buffer;
     * what the socket does not take is kept pending. Requires {@link #isEmpty()}.
     *
     * @return true when all of it was written
     */
    boolean writeThrough(DirectBuffer buffer, int offset, int length) throws IOException {
        assert isEmpty() && !gathering : "bytes pending: a direct write would overtake them";
        ByteBuffer source = buffer.byteBuffer();
        if (source == null) {
            append(buffer, offset, length);
            return flushPending();
        }
        ByteBuffer view = views.of(source);
        int start = buffer.wrapAdjustment() + offset;
        view.clear();
        view.position(start).limit(start + length);
        int written = channel.write(view);
        bytesWritten += written;
        if (written == length) {
            return true;
        }
        append(buffer, offset + written, length - written);
        return false;
    }

    /**
     * The thread's {@link GatheredWrite} for the next message's pieces ({@code pieces} of them, with
     * {@code headerBytes} of chunk headers), behind the messages this output gathered before; null when the message
     * must be chunked behind pending bytes instead (the socket refused some) or does not fit one write. Gathered
     * messages go out at the next {@link #flushPending()}, {@link #drain()} or other write, in order.
     */
    GatheredWrite gatherFor(int pieces, int headerBytes) throws IOException {
        if (!isEmpty()) {
            return null;
        }
        GatheredWrite gather = ownGather();
        if (!gather.hasRoom(pieces, headerBytes)) {
            if (!writeGathered()) {
                return null;
            }
            gather = GatheredWrite.of(this);
            if (!gather.hasRoom(pieces, headerBytes)) {
                return null;
            }
        }
        gathering = true;
        return gather;
    }

    /**
     * Writes what this output gathered, in one system call; what the socket does not take is copied into pending
     * before this returns, so the pieces' sources (the rings) may change afterwards.
     *
     * @return true when all of it was written (or nothing was gathered)
     */
    boolean writeGathered() throws IOException {
        if (!gathering) {
            return true;
        }
        GatheredWrite gather = ownGather();
        gathering = false;
        long written = gather.writeTo(channel);
        bytesWritten += written;
        long unwritten = gather.length() - written;
        if (unwritten > 0) {
            reserve((int) unwritten);
            pendingEnd += gather.copyUnwritten(pending, pendingEnd);
        }
        gather.clear();
        return unwritten == 0;
    }

    /**
     * Forgets gathered messages that were never written: a subscription ending mid-batch (a viewer cut for lag or
     * for a frame overwritten while it was gathered) before the write role goes back to the loop. Holder's thread.
     */
    void dropGathered() {
        if (gathering) {
            gathering = false;
            GatheredWrite gather = GatheredWrite.current();
            if (gather.isHeldBy(this)) {
                gather.clear();
            }
        }
    }

    /** The thread's gather, with this output's pieces; fails if they were dropped (another output took it). */
    private GatheredWrite ownGather() throws IOException {
        if (!gathering) {
            return GatheredWrite.of(this).clear(); // nothing of ours is in it (a failed write may have left some)
        }
        if (!GatheredWrite.current().isHeldBy(this)) {
            gathering = false;
            throw new IOException("media gathered for this connection was dropped before it was written");
        }
        return GatheredWrite.of(this);
    }

    /**
     * Sends one message, chunked: straight from the thread's scratch buffer when nothing is pending, else behind
     * the pending bytes; write-role holder.
     *
     * @return true when all of it was written
     */
    boolean writeMessage(int chunkStreamId, long timestampMs, int messageTypeId, int messageStreamId,
                         DirectBuffer payload, int offset, int length) throws IOException {
        writeGathered();
        if (!isEmpty()) {
            appendMessage(chunkStreamId, timestampMs, messageTypeId, messageStreamId, payload, offset, length);
            return flushPending();
        }
        ExpandableDirectByteBuffer scratch = SCRATCH.get();
        scratch.checkLimit(encoder.encodedLength(chunkStreamId, timestampMs, length));
        int encoded = encoder.encode(scratch, 0, chunkStreamId, timestampMs, messageTypeId, messageStreamId,
                payload, offset, length);
        return writeThrough(scratch, 0, encoded);
    }

    /** Appends one message, chunked, to the pending bytes (one copy); write-role holder. */
    private void appendMessage(int chunkStreamId, long timestampMs, int messageTypeId, int messageStreamId,
                       DirectBuffer payload, int offset, int length) throws IOException {
        reserve(encoder.encodedLength(chunkStreamId, timestampMs, length));
        pendingEnd += encoder.encode(pending, pendingEnd, chunkStreamId, timestampMs, messageTypeId,
                messageStreamId, payload, offset, length);
    }

    private void append(DirectBuffer buffer, int offset, int length) throws IOException {
        reserve(length);
        pending.putBytes(pendingEnd, buffer, offset, length);
        pendingEnd += length;
    }

    /** Makes room for {@code more} bytes after the pending ones, moving them to the front if that is enough. */
    private void reserve(int more) throws IOException {
        int kept = pendingEnd - pendingStart;
        if (kept + more > maxPendingBytes) {
            throw new IOException("viewer's unsent bytes would exceed " + maxPendingBytes);
        }
        if (pending == null) {
            pending = new ExpandableDirectByteBuffer(Math.max(INITIAL_PENDING_BYTES, more));
        }
        if (pendingStart > 0 && pendingEnd + more > pending.capacity()) {
            pending.putBytes(0, pending, pendingStart, kept);
            pendingStart = 0;
            pendingEnd = kept;
        }
        pending.checkLimit(pendingEnd + more);
    }

    /**
     * Reusable duplicates (own position and limit) of the few buffers a connection writes from; a buffer that
     * grows gets a new ByteBuffer and replaces the oldest entry.
     */
    private static final class Views {
        private static final int SLOTS = 4;
        private final ByteBuffer[] sources = new ByteBuffer[SLOTS];
        private final ByteBuffer[] views = new ByteBuffer[SLOTS];
        private int next;

        // By identity: ByteBuffer.equals compares the remaining bytes, and a view belongs to one buffer object.
        @SuppressWarnings("ReferenceEquality")
        ByteBuffer of(ByteBuffer source) {
            for (int i = 0; i < SLOTS; i++) {
                if (sources[i] == source) {
                    return views[i];
                }
            }
            int slot = next;
            next = (next + 1) % SLOTS;
            sources[slot] = source;
            views[slot] = source.duplicate();
            return views[slot];
        }
    }
}
