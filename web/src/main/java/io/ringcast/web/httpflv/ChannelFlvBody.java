package io.ringcast.web.httpflv;

import io.ringcast.broadcast.media.flv.FlvTag;
import io.ringcast.broadcast.subscribe.GatheredWrite;
import io.ringcast.web.http.ResponseChannel;
import jakarta.servlet.http.HttpServletResponse;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * An HTTP-FLV body written through the container's own channel ({@link ResponseChannel}, the embedded server):
 * each frame is gathered as its tag header, its payload straight from the track's ring and its previous-tag-size,
 * and the batch's frames leave in one gathering write at {@link #flush()}, with no copy in user space (one frame
 * when the viewer keeps up, several when it had some waiting). Start sequences and sequence headers are assembled in
 * the thread's direct scratch buffer and written from there, after what was gathered.
 *
 * <p>What the socket does not take is copied into {@link #held} (allocated on first need, dropped once sent) and
 * goes first when the channel signals writability; later bytes are assembled behind it until then. The channel is
 * opened, committing the status and headers, at the first write.
 */
final class ChannelFlvBody implements FlvBody {
    private static final int INITIAL_SCRATCH_BYTES = 64 * 1024;
    /** Per fan-out thread; bytes are written or copied out of it before a call returns. */
    private static final ThreadLocal<ExpandableDirectByteBuffer> SCRATCH =
            ThreadLocal.withInitial(() -> new ExpandableDirectByteBuffer(INITIAL_SCRATCH_BYTES));
    private static final int TAG_FRAMING_PIECES = 3;

    private final ResponseChannel responseChannel;
    private final HttpServletResponse response;
    private final WritableEpoch writable;
    private final Runnable onWritable;
    private final Runnable beforeFirstWrite;
    private GatheringByteChannel channel;
    /** Whether frames of this body wait in the thread's {@link GatheredWrite}. */
    private boolean gathering;
    private ExpandableDirectByteBuffer held;
    private ByteBuffer heldView;
    private ByteBuffer heldViewOf;
    private int heldStart;
    private int heldEnd;
    private long bytesWritten;
    /**
     * Whether the container's layers handed over all they held (the response head, which goes out with the first
     * body bytes); from then on they hold nothing, so a batch's flush needs no call down the container's chain, and
     * the body goes to {@link ResponseChannel#afterHead()} (the socket, in the embedded server).
     */
    private boolean headFlushed;

    /**
     * @param onWritable       run on a container thread when the channel takes bytes again
     * @param beforeFirstWrite run once before the channel opens (the sink sets the status and headers then)
     */
    ChannelFlvBody(ResponseChannel responseChannel, HttpServletResponse response, WritableEpoch writable,
                   Runnable onWritable, Runnable beforeFirstWrite) {
        this.responseChannel = responseChannel;
        this.response = response;
        this.writable = writable;
        this.onWritable = onWritable;
        this.beforeFirstWrite = beforeFirstWrite;
    }

    @Override
    public boolean drain() throws IOException {
        // Gathered frames stay gathered (they leave with the batch at flush); nothing is held while there are any.
        long epoch = writable.read();
        if (writable.isBlockedAt(epoch)) {
            return false;
        }
        if (heldEnd == heldStart) {
            return true;
        }
        // Not through the thread's gather: its view cache would keep this viewer's buffer alive after it is dropped.
        ByteBuffer view = heldView();
        view.limit(heldEnd).position(heldStart);
        int written = channel.write(view);
        bytesWritten += written;
        heldStart += written;
        if (heldStart < heldEnd) {
            blocked(epoch);
            return false;
        }
        held = null;
        heldView = null;
        heldStart = 0;
        heldEnd = 0;
        return true;
    }

    /** A view of the held bytes' buffer (made anew when it grew into another one); slow path. */
    @SuppressWarnings("ReferenceEquality")
    private ByteBuffer heldView() {
        ByteBuffer backing = held.byteBuffer();
        if (heldView == null || heldViewOf != backing) {
            heldView = backing.duplicate();
            heldViewOf = backing;
        }
        return heldView.clear();
    }

    @Override
    public MutableDirectBuffer assemblyTarget() {
        return isHolding() ? held : SCRATCH.get();
    }

    @Override
    public int assemblyStart(MutableDirectBuffer target) {
        return target == held ? heldEnd : 0;
    }

    @Override
    public void send(MutableDirectBuffer target, int end) throws IOException {
        if (target == held) {
            heldEnd = end;
            drain();
            return;
        }
        writeGathered();
        if (isHolding()) {
            appendHeld(target, end);
            return;
        }
        long epoch = writable.read();
        channel(); // opens it at the first write: the status and headers go out with the first bytes
        if (writable.isBlockedAt(epoch)) {
            hold(target, 0, end);
            return;
        }
        int written = writeOnce(target, 0, end);
        if (written < end) {
            hold(target, written, end);
            blocked(epoch);
        }
    }

    @Override
    public void sendTag(int tagType, long timestampMs, DirectBuffer payload, int offset, int length)
            throws IOException {
        GatheredWrite gather = GatheredWrite.canGather(payload)
                ? gatherFor(TAG_FRAMING_PIECES, FlvTag.OVERHEAD_BYTES) : null;
        if (gather == null) {
            sendTagCopied(tagType, timestampMs, payload, offset, length);
            return;
        }
        MutableDirectBuffer headers = gather.headerBytes();
        int header = gather.claimHeaderBytes(FlvTag.HEADER_BYTES);
        FlvTag.putHeader(headers, header, tagType, length, timestampMs);
        gather.addHeaderBytes(header, FlvTag.HEADER_BYTES);
        gather.add(payload, offset, length);
        int trailer = gather.claimHeaderBytes(FlvTag.PREVIOUS_TAG_SIZE_BYTES);
        FlvTag.putPreviousTagSize(headers, trailer, length);
        gather.addHeaderBytes(trailer, FlvTag.PREVIOUS_TAG_SIZE_BYTES);
    }

    @Override
    public void flush() throws IOException {
        if (!writeGathered()) {
            return;
        }
        if (headFlushed || channel == null) {
            return;
        }
        long epoch = writable.read();
        if (writable.isBlockedAt(epoch)) {
            return;
        }
        if (responseChannel.flush()) {
            headFlushed = true;
            channel = responseChannel.afterHead();
        } else {
            blocked(epoch);
        }
    }

    @Override
    public void answer(byte[] body) throws IOException {
        response.getOutputStream().write(body);
    }

    @Override
    public long bytesWritten() {
        return bytesWritten;
    }

    @Override
    public int heldBytes() {
        return heldEnd - heldStart;
    }

    /**
     * The thread's gather for one more frame behind this body's gathered ones, or null when the frame must be
     * assembled behind held bytes instead (the socket refused some, or the channel is not open yet).
     */
    private GatheredWrite gatherFor(int pieces, int headerBytes) throws IOException {
        if (isHolding() || channel == null || writable.isBlockedAt(writable.read())) {
            return null;
        }
        GatheredWrite gather = ownGather();
        if (!gather.hasRoom(pieces, headerBytes)) {
            if (!writeGathered()) {
                return null;
            }
            gather = GatheredWrite.of(this);
        }
        gathering = true;
        return gather;
    }

    /** Writes the gathered frames in one system call; what the socket does not take is held. True: all went. */
    private boolean writeGathered() throws IOException {
        if (!gathering) {
            return true;
        }
        GatheredWrite gather = ownGather();
        gathering = false;
        long epoch = writable.read();
        long written = gather.writeTo(channel);
        bytesWritten += written;
        long unwritten = gather.length() - written;
        if (unwritten > 0) {
            held = new ExpandableDirectByteBuffer((int) unwritten);
            heldStart = 0;
            heldEnd = gather.copyUnwritten(held, 0);
            blocked(epoch);
        }
        gather.clear();
        return unwritten == 0;
    }

    /**
     * Writes {@code bytes[offset, offset + length)} of the thread's scratch in one call (never while frames are
     * gathered).
     */
    private int writeOnce(MutableDirectBuffer bytes, int offset, int length) throws IOException {
        GatheredWrite gather = GatheredWrite.of(this).clear();
        gather.add(bytes, offset, length);
        int written = (int) gather.writeTo(channel);
        gather.clear();
        bytesWritten += written;
        return written;
    }

    /** The thread's gather with this body's frames; fails if they were dropped (another body took it). */
    private GatheredWrite ownGather() throws IOException {
        if (!gathering) {
            return GatheredWrite.of(this).clear(); // nothing of ours is in it (a failed write may have left some)
        }
        if (!GatheredWrite.current().isHeldBy(this)) {
            gathering = false;
            throw new IOException("frames gathered for this viewer were dropped before they were written");
        }
        return GatheredWrite.of(this);
    }

    /** Appends {@code target[0, end)} (the scratch) behind the held bytes. */
    private void appendHeld(MutableDirectBuffer target, int end) {
        held.putBytes(heldEnd, target, 0, end);
        heldEnd += end;
    }

    private boolean isHolding() {
        return heldEnd > heldStart;
    }

    private GatheringByteChannel channel() throws IOException {
        if (channel == null) {
            beforeFirstWrite.run();
            channel = responseChannel.open(onWritable);
        }
        return channel;
    }

    /** Keeps {@code target[from, end)} (the scratch, not held) to be sent first when the channel is writable. */
    private void hold(MutableDirectBuffer target, int from, int end) {
        int length = end - from;
        held = new ExpandableDirectByteBuffer(length);
        held.putBytes(0, target, from, length);
        heldStart = 0;
        heldEnd = length;
    }

    private void blocked(long epoch) {
        writable.blockAt(epoch);
        responseChannel.awaitWritable();
    }
}
