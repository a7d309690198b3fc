package io.ringcast.perf.load.viewer;

import io.ringcast.ingest.RtmpProtocolException;
import io.ringcast.perf.load.flv.StreamFormatException;
import io.ringcast.perf.load.media.SentFrames;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One viewer's non-blocking connection, owned by the {@link ViewerLoop} thread it was added to: connect, write the
 * request, read as its {@link ViewerMode} and {@link ReadMode} allow, and end with an {@link EndReason}. Subclasses
 * speak the protocol; parsing never blocks and never keeps references into the loop's shared read buffer.
 * <p>
 * Fields are written by the loop thread and read by the coordinating thread after the loop thread ended, except
 * the few marked volatile, which the coordinating thread reads (or, for {@link #serverClosedNs}, writes) meanwhile.
 */
public abstract class ViewerConnection {
    /** A trickle viewer resumes reading once it may read at least this much. */
    private static final long TRICKLE_MIN_READ_BYTES = 1024;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final ViewerGroup group;
    private final InetSocketAddress server;
    private final ViewerSettings settings;
    private final RunWindow window;
    private final FrameTracker frames;

    private SocketChannel channel;
    private SelectionKey key;
    private ViewerLoop loop;
    private boolean outputPending;
    private long connectedNs = FrameTracker.NOT_YET;
    private long endNs = FrameTracker.NOT_YET;
    private long deadlineNs = Long.MAX_VALUE;
    private long resumeAtNs = FrameTracker.NOT_YET;
    private EndReason endReason;
    private String endDetail;
    private long bytesReceived;
    private long bytesInWindow;
    private volatile int localPort;
    private volatile long serverClosedNs = FrameTracker.NOT_YET;
    private volatile boolean ended;

    protected ViewerConnection(ViewerGroup group, InetSocketAddress server, ViewerSettings settings, RunWindow window,
                               SentFrames sent) {
        this.group = group;
        this.server = server;
        this.settings = settings;
        this.window = window;
        this.frames = new FrameTracker(group, window, sent);
    }

    /** Loop thread, once connected: queue the first bytes to send. */
    protected abstract void onConnected(long nowNs);

    /**
     * Loop thread: write queued output.
     *
     * @return true if nothing is left to write
     */
    protected abstract boolean writeOutput(SocketChannel channel, long nowNs) throws IOException;

    /**
     * Loop thread: parse received bytes; they are valid only during the call.
     *
     * @param receivedNs when the read returned
     */
    protected abstract void onBytes(DirectBuffer buffer, int offset, int length, long receivedNs);

    /**
     * Loop thread, in {@link ReadMode#TAGS}: how many bytes complete the protocol unit being received, as far as the
     * parser state tells; the next read asks for no more. Allocation-free.
     *
     * @return a positive byte count; by default a whole read buffer
     */
    protected int bytesWantedNext() {
        return ViewerLoop.READ_BUFFER_BYTES;
    }

    /** Loop thread: opens the socket and starts connecting. */
    final void open(ViewerLoop owner, Selector selector, long nowNs) {
        loop = owner;
        if (group.mode() == ViewerMode.LATE_JOIN) {
            deadlineNs = nowNs + settings.lateJoinTimeoutNs();
        }
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (group.mode().isSlow()) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, settings.slowReceiveBufferBytes());
            }
            key = channel.register(selector, SelectionKey.OP_CONNECT, this);
            if (channel.connect(server)) {
                onTcpConnected(nowNs);
                updateInterest(nowNs);
            }
        } catch (IOException e) {
            end(EndReason.CONNECT_FAILED, e.toString(), nowNs);
        }
    }

    /** Loop thread: the selector reported the connection ready. */
    final void onSelected(ByteBuffer readBuffer, UnsafeBuffer readView, long nowNs) {
        try {
            if (key.isConnectable()) {
                if (!channel.finishConnect()) {
                    return;
                }
                onTcpConnected(nowNs);
            } else {
                if (key.isWritable()) {
                    flush(nowNs);
                }
                if (!ended && key.isReadable()) {
                    read(readBuffer, readView, nowNs);
                }
            }
            if (!ended) {
                updateInterest(nowNs);
            }
        } catch (IOException e) {
            end(connectedNs == FrameTracker.NOT_YET ? EndReason.CONNECT_FAILED : EndReason.RESET, e.toString(),
                    nowNs);
        } catch (RtmpProtocolException | StreamFormatException e) {
            end(EndReason.PROTOCOL_ERROR, e.getMessage(), nowNs);
        }
    }

    /** Loop thread: a paused trickle viewer may read again. */
    final void resume(long nowNs) {
        resumeAtNs = FrameTracker.NOT_YET;
        if (!ended) {
            updateInterest(nowNs);
        }
    }

    /** Loop thread: ends a late joiner that waited too long. */
    final void checkDeadline(long nowNs) {
        if (!ended && nowNs >= deadlineNs) {
            end(EndReason.TIMED_OUT, "no keyframe in time", nowNs);
        }
    }

    /** Loop thread: ends the connection and closes its socket; later calls do nothing. */
    protected final void end(EndReason reason, String detail, long nowNs) {
        if (ended) {
            return;
        }
        endReason = reason;
        endDetail = detail;
        endNs = nowNs;
        if (key != null) {
            key.cancel();
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                endDetail = detail + "; close: " + e;
            }
        }
        ended = true;
    }

    private void onTcpConnected(long nowNs) throws IOException {
        connectedNs = nowNs;
        localPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        onConnected(nowNs);
        flush(nowNs);
    }

    private void flush(long nowNs) throws IOException {
        outputPending = !writeOutput(channel, nowNs);
    }

    private void read(ByteBuffer readBuffer, UnsafeBuffer readView, long nowNs) throws IOException {
        readBuffer.clear();
        int limit = readBuffer.capacity();
        if (settings.readMode() == ReadMode.TAGS) {
            int wanted = bytesWantedNext();
            assert wanted > 0 : wanted;
            limit = Math.min(limit, wanted);
        }
        if (group.mode() == ViewerMode.TRICKLE) {
            limit = (int) Math.max(1, Math.min(limit, trickleBudget(nowNs)));
        }
        readBuffer.limit(limit);
        int count = channel.read(readBuffer);
        if (count < 0) {
            end(EndReason.CLOSED_BY_SERVER, "end of stream", nowNs);
            return;
        }
        if (count == 0) {
            return;
        }
        long receivedNs = System.nanoTime();
        bytesReceived += count;
        if (window.contains(receivedNs)) {
            bytesInWindow += count;
        }
        onBytes(readView, 0, count, receivedNs);
        if (ended) {
            return;
        }
        flush(receivedNs);
        if (group.mode() == ViewerMode.LATE_JOIN && frames.hasFirstKeyframe()) {
            end(EndReason.FIRST_KEYFRAME, null, receivedNs);
        }
    }

    private void updateInterest(long nowNs) {
        int ops = outputPending ? SelectionKey.OP_WRITE : 0;
        if (wantsToRead(nowNs)) {
            ops |= SelectionKey.OP_READ;
        }
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    private boolean wantsToRead(long nowNs) {
        switch (group.mode()) {
            case STALLED:
                return frames.requestSentNs() == FrameTracker.NOT_YET;
            case TRICKLE:
                long budget = trickleBudget(nowNs);
                if (budget > 0) {
                    return true;
                }
                if (resumeAtNs == FrameTracker.NOT_YET) {
                    resumeAtNs = nowNs + (TRICKLE_MIN_READ_BYTES - budget) * NANOS_PER_SECOND
                            / settings.trickleBytesPerSecond();
                    loop.pause(this, resumeAtNs);
                }
                return false;
            default:
                return true;
        }
    }

    /** Bytes a trickle viewer may read now: its rate times the time since it connected, minus what it read. */
    private long trickleBudget(long nowNs) {
        long elapsedNs = Math.max(0, nowNs - connectedNs);
        return (long) ((double) settings.trickleBytesPerSecond() * elapsedNs / NANOS_PER_SECOND) - bytesReceived;
    }

    /** Probe thread: the server's side of the socket was seen closing (see {@link ServerCloseProbe}). */
    void serverClosedAt(long nanoTime) {
        if (serverClosedNs == FrameTracker.NOT_YET) {
            serverClosedNs = nanoTime;
        }
    }

    protected final ReadMode readMode() {
        return settings.readMode();
    }

    protected final FrameTracker frames() {
        return frames;
    }

    public final ViewerGroup group() {
        return group;
    }

    /** Whether the connection ended; safe from any thread. */
    public final boolean isEnded() {
        return ended;
    }

    /** The local TCP port once connected, else 0; safe from any thread. */
    public final int localPort() {
        return localPort;
    }

    /** The server's port. */
    public final int serverPort() {
        return server.getPort();
    }

    /** When the probe first saw the server's side closing, or {@link FrameTracker#NOT_YET}; any thread. */
    public final long serverClosedNs() {
        return serverClosedNs;
    }

    /** Frame accounting; read it after the loop thread ended. */
    public final FrameTracker frameTracker() {
        return frames;
    }

    /** When TCP connected, or {@link FrameTracker#NOT_YET}. */
    public final long connectedNs() {
        return connectedNs;
    }

    public final long endNs() {
        return endNs;
    }

    /** How it ended, or null while open. */
    public final EndReason endReason() {
        return endReason;
    }

    public final String endDetail() {
        return endDetail;
    }

    public final long bytesReceived() {
        return bytesReceived;
    }

    public final long bytesInWindow() {
        return bytesInWindow;
    }

    /** Messages the protocol allows but the viewer skips unread (RTMP: AMF3, shared objects, aggregates). */
    public long ignoredMessages() {
        return 0;
    }
}
