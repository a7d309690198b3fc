package io.ringcast.broadcast.subscribe;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pieces of one gathering write (a sink's header bytes, slices of a track's payload ring, trailer bytes) as NIO
 * views, handed to the kernel in one {@code writev}: a frame leaves from the ring, without a copy in user space.
 * One per egress thread, lent to one owner (a viewer's output) at a time ({@link #of}): a viewer that has several
 * frames waiting gathers them all and writes them at the end of its batch, in one system call.
 *
 * <p>An owner's pieces stay until it writes them or another owner takes the instance: a subscription pumps one
 * viewer at a time and ends each batch with a flush, so the only pieces ever dropped that way belong to a viewer
 * that ended mid-batch. An owner checks {@link #isHeldBy} before writing what it gathered.
 *
 * <p>No allocation per write: the views of each source buffer are made once per thread and reused (a small table
 * keyed by the source's identity). Small bytes the sink builds (chunk headers, FLV tag headers) go into this
 * thread's {@link #headerBytes()} and are added like any other slice.
 *
 * <p>What the channel does not take is the caller's to keep: {@link #copyUnwritten} copies it out, in order, before
 * the pieces' sources may change (the ring may be overwritten once the call returns).
 *
 * <p>Nothing here keeps a closed stream reachable: a closed stream's rings are freed by the collector, and views of
 * them in a thread's table would hold their direct memory (and the budget would count it free). A stream's close
 * calls {@link #sourcesReleased()}; each thread then forgets every view it made, at its next new owner or
 * {@link #release()}. Finished pieces are dropped at {@link #clear()}, the owner at {@link #release()}.
 */
public final class GatheredWrite {
    /** Pieces of one write; the kernel takes at most IOV_MAX (1024) per call, larger lists are not worth it. */
    public static final int MAX_PIECES = 256;
    private static final int HEADER_BYTES_CAPACITY = 16 * 1024;
    private static final int SOURCE_SLOTS = 1024;
    private static final int PROBES = 4;
    private static final int INITIAL_VIEWS_PER_SOURCE = 4;
    private static final ThreadLocal<GatheredWrite> PER_THREAD = ThreadLocal.withInitial(GatheredWrite::new);
    /** Bumped whenever a stream closed: views made before it may be of freed rings. */
    private static final AtomicInteger RELEASES = new AtomicInteger();

    private final ByteBuffer[] pieces = new ByteBuffer[MAX_PIECES];
    private final UnsafeBuffer headerBytes = new UnsafeBuffer(ByteBuffer.allocateDirect(HEADER_BYTES_CAPACITY));
    private int headerBytesUsed;
    private int count;
    private long length;
    /** Direct-mapped by identity hash: a source's reusable views and how many this write has used. */
    private final ByteBuffer[] sources = new ByteBuffer[SOURCE_SLOTS];
    private final ByteBuffer[][] views = new ByteBuffer[SOURCE_SLOTS][];
    private final int[] viewsUsed = new int[SOURCE_SLOTS];
    private final int[] touchedSlots = new int[MAX_PIECES];
    private int touchedCount;
    /** The source of the last piece, for extending it. */
    private ByteBuffer lastSource;
    /** Who gathers into this instance now; see {@link #of}. */
    private Object owner;
    /** {@link #RELEASES} when this table was last emptied of views. */
    private int releasesSeen;

    GatheredWrite() {
    }

    /** This thread's instance for {@code owner}: with the pieces it gathered so far, or emptied for it. */
    public static GatheredWrite of(Object owner) {
        GatheredWrite mine = current();
        if (mine.owner != owner) {
            mine.clear();
            mine.forgetReleasedSources();
            mine.owner = owner;
        }
        return mine;
    }

    /** A stream closed (its rings are to be freed): every thread forgets its views soon. Any thread; rare. */
    public static void sourcesReleased() {
        RELEASES.incrementAndGet();
    }

    /**
     * Empties this instance and lets go of its owner, and of its views if a stream closed since; the egress thread
     * calls this between passes, so that an idle thread keeps no viewer or ring of a closed stream reachable.
     */
    public void release() {
        clear();
        owner = null;
        forgetReleasedSources();
    }

    /** Whether this instance still references {@code source} in its table of views, or holds any piece; tests. */
    @SuppressWarnings("ReferenceEquality")
    boolean retains(ByteBuffer source) {
        for (ByteBuffer held : sources) {
            if (held == source) {
                return true;
            }
        }
        for (ByteBuffer piece : pieces) {
            if (piece != null) {
                return true;
            }
        }
        return false;
    }

    private void forgetReleasedSources() {
        int releases = RELEASES.get();
        if (releases != releasesSeen) {
            releasesSeen = releases;
            Arrays.fill(sources, null);
            Arrays.fill(views, null);
        }
    }

    /** This thread's instance as it is, whoever holds it. */
    public static GatheredWrite current() {
        Thread thread = Thread.currentThread();
        return thread instanceof EgressThread egress ? egress.gatheredWrite() : PER_THREAD.get();
    }

    /** Whether {@code owner} holds this instance (its pieces, if any, are still here). */
    @SuppressWarnings("ReferenceEquality")
    public boolean isHeldBy(Object owner) {
        return this.owner == owner;
    }

    /** Forgets every piece; the owner keeps the instance. */
    public GatheredWrite clear() {
        for (int i = 0; i < touchedCount; i++) {
            viewsUsed[touchedSlots[i]] = 0;
        }
        touchedCount = 0;
        Arrays.fill(pieces, 0, count, null);
        count = 0;
        length = 0;
        headerBytesUsed = 0;
        lastSource = null;
        return this;
    }

    /** Whether {@code buffer} lies in direct memory, so that its slices can be pieces (rings always do). */
    public static boolean canGather(DirectBuffer buffer) {
        ByteBuffer backing = buffer.byteBuffer();
        return backing != null && backing.isDirect();
    }

    /** Bytes in all pieces. */
    public long length() {
        return length;
    }

    /** Pieces so far (a slice that continues the previous one extends it). */
    public int pieceCount() {
        return count;
    }

    /** Whether {@code more} pieces and {@code moreHeaderBytes} header bytes still fit. */
    public boolean hasRoom(int more, int moreHeaderBytes) {
        return count + more <= MAX_PIECES && headerBytesUsed + moreHeaderBytes <= HEADER_BYTES_CAPACITY;
    }

    /** Where header bytes are built: claim with {@link #claimHeaderBytes}, write, then {@link #addHeaderBytes}. */
    public MutableDirectBuffer headerBytes() {
        return headerBytes;
    }

    /** Claims {@code bytes} of {@link #headerBytes()} and returns their offset; check {@link #hasRoom} first. */
    public int claimHeaderBytes(int bytes) {
        int at = headerBytesUsed;
        headerBytesUsed += bytes;
        return at;
    }

    /** Adds claimed header bytes {@code [offset, offset + bytes)} as the next piece. */
    public void addHeaderBytes(int offset, int bytes) {
        add(headerBytes, offset, bytes);
    }

    /**
     * Adds bytes {@code [offset, offset + bytes)} of a buffer over direct memory ({@link DirectBuffer#byteBuffer()}
     * direct) as the next piece; a piece that continues the previous one in the same source extends it.
     */
    public void add(DirectBuffer buffer, int offset, int bytes) {
        if (bytes == 0) {
            return;
        }
        ByteBuffer source = buffer.byteBuffer();
        assert source != null && source.isDirect() : "gathered writes take direct memory only";
        int start = buffer.wrapAdjustment() + offset;
        if (count > 0 && extendsLast(source, start)) {
            ByteBuffer last = pieces[count - 1];
            last.limit(last.limit() + bytes);
        } else {
            assert count < MAX_PIECES : "check hasRoom first";
            ByteBuffer view = nextView(source);
            view.limit(start + bytes).position(start);
            pieces[count++] = view;
            lastSource = source;
        }
        length += bytes;
    }

    /** Writes as many pieces as the channel takes; returns the bytes written. */
    public long writeTo(GatheringByteChannel channel) throws IOException {
        if (count == 1) {
            return channel.write(pieces[0]);
        }
        return channel.write(pieces, 0, count);
    }

    /**
     * Copies what the channel did not take (each piece from where the write left its position) to {@code dst} at
     * {@code dstOffset}; returns how many bytes. The destination must hold {@code length()} minus the bytes written.
     */
    public int copyUnwritten(MutableDirectBuffer dst, int dstOffset) {
        int at = dstOffset;
        for (int i = 0; i < count; i++) {
            ByteBuffer piece = pieces[i];
            int remaining = piece.remaining();
            if (remaining > 0) {
                dst.putBytes(at, piece, piece.position(), remaining);
                at += remaining;
            }
        }
        return at - dstOffset;
    }

    // By identity: ByteBuffer.equals compares remaining bytes, and a view belongs to one buffer object.
    @SuppressWarnings("ReferenceEquality")
    private boolean extendsLast(ByteBuffer source, int start) {
        return lastSource == source && pieces[count - 1].limit() == start;
    }

    @SuppressWarnings("ReferenceEquality")
    private ByteBuffer nextView(ByteBuffer source) {
        int slot = slotFor(source);
        if (sources[slot] != source) {
            // A new source: this slot now serves it (its views are made anew, once).
            sources[slot] = source;
            views[slot] = new ByteBuffer[INITIAL_VIEWS_PER_SOURCE];
            viewsUsed[slot] = 0;
        }
        int used = viewsUsed[slot];
        if (used == 0) {
            touchedSlots[touchedCount++] = slot;
        }
        ByteBuffer[] ofSource = views[slot];
        if (used == ofSource.length) {
            ofSource = Arrays.copyOf(ofSource, used * 2);
            views[slot] = ofSource;
        }
        if (ofSource[used] == null) {
            ofSource[used] = source.duplicate();
        }
        viewsUsed[slot] = used + 1;
        ByteBuffer view = ofSource[used];
        view.clear();
        return view;
    }

    /**
     * The slot of {@code source}: where it is among the few slots after its hash, else a free one there, else one
     * this write does not use. Sources that share a hash thus keep their views instead of taking turns making them.
     */
    @SuppressWarnings("ReferenceEquality")
    private int slotFor(ByteBuffer source) {
        int h = System.identityHashCode(source);
        int home = (h ^ (h >>> 16)) & (SOURCE_SLOTS - 1);
        int free = -1;
        int idle = -1;
        for (int i = 0; i < PROBES; i++) {
            int slot = (home + i) & (SOURCE_SLOTS - 1);
            ByteBuffer held = sources[slot];
            if (held == source) {
                return slot;
            }
            if (held == null && free < 0) {
                free = slot;
            } else if (viewsUsed[slot] == 0 && idle < 0) {
                idle = slot;
            }
        }
        return free >= 0 ? free : idle >= 0 ? idle : home;
    }
}
