package io.ringcast.ingest.server;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.broadcast.stream.SourceUnavailableException;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.subscribe.CloseReason;
import io.ringcast.broadcast.subscribe.Subscription;
import io.ringcast.ingest.RtmpConfig;
import io.ringcast.ingest.chunk.AcknowledgementWindow;
import io.ringcast.ingest.chunk.ChunkDecoder;
import io.ringcast.ingest.command.NetStatus;
import io.ringcast.ingest.command.PlayTarget;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The playing side of one RTMP connection: which stream it plays, its current {@link Subscription}, and its
 * socket's read side after the hand-off. Owned by the connection's ingest thread until {@link #handedOff()} is
 * true and it is adopted, then by one {@link PlayerLoop} thread. Fan-out workers only call the {@code onSink...}
 * and {@link #requestWriteInterest()} signals, which are queued to the loop.
 *
 * <p>Write role (who may write the socket): the loop while {@link #subscription} is null, the subscription's
 * worker otherwise. The loop gives it away by adding a subscription to the fan-out pool and gets it back when
 * that subscription's detached sink closes ({@link #onSinkDetached}). Stopping is two-phase so a reply never
 * precedes media it should follow: after decoding, the loop detaches the sink, then queues the replies, then
 * (when the role is back) starts the next subscription.
 *
 * <p>On demand: a play of a path nobody publishes that an on-demand source supplies demands it
 * ({@link io.ringcast.broadcast.stream.StreamRegistry#findOrDemand}); the viewer gets NetStream.Play.Start at once and
 * its first keyframe as soon as the upstream delivers. A stream that closes before this viewer got anything
 * (OnDemandPublishTimeout, upstream failed) is answered NetStream.Play.StreamNotFound with the stream's reason, then
 * the connection closes. A source that cannot tell now (the cluster's directory is down) refuses the play with
 * NetStream.Play.Failed and its reason, then the connection closes. Another node's cluster pull only plays what this
 * server holds: it demands nothing.
 */
final class PlayerSession implements PlayTarget {
    /** Protocol name under which RTMP viewers are counted and their latency recorded. */
    static final String PROTOCOL = "rtmp";
    private static final Logger LOG = LoggerFactory.getLogger(PlayerSession.class);
    private static final int SIGNAL_WRITE_INTEREST = 1;
    private static final int SIGNAL_SINK_DETACHED = 2;
    private static final int SIGNAL_SINK_CLOSED = 4;
    private static final int SIGNAL_NOT_DELIVERED = 8;
    /** Reads per readiness event, so one chatty viewer cannot hold its loop. */
    private static final int MAX_READS_PER_EVENT = 4;
    private static final int PENDING_SLACK_BYTES = 64 * 1024;

    private final SocketChannel channel;
    private final Engine engine;
    private final RtmpConfig config;
    private final String remote;
    private final long idleTimeoutNs;
    private final AtomicInteger signals = new AtomicInteger();
    private ChunkDecoder decoder;
    private AcknowledgementWindow acknowledgements;
    private RtmpMessageWriter writer;
    private PlayerOutput output;

    private StreamPath path;
    /** The stream {@link #startPlay} found, which the first subscription plays without a second lookup. */
    private Stream started;
    /** Whether this play may demand its stream (false for another node's cluster pull). */
    private boolean mayDemand;
    private int messageStreamId;
    private boolean player;
    private boolean wantPlaying;
    private boolean restartRequested;
    private boolean detachRequested;
    private RtmpPlaySink sink;
    private Subscription subscription;

    private volatile PlayerLoop loop;
    private SelectionKey key;
    private long lastReadNs;
    private boolean closed;
    private volatile CloseReason sinkCloseReason;
    /** The stream last subscribed to, for the reason it closed with; loop thread. */
    private Stream playing;
    /** Run once when the connection closes (the hooks hear the play ended); loop thread. */
    private Runnable onClosed = () -> { };
    /** Bumped by the loop whenever the socket reported writability after a sink asked for it. */
    private volatile int writableEpoch;

    PlayerSession(SocketChannel channel, Engine engine, RtmpConfig config, String remote) {
        this.channel = channel;
        this.engine = engine;
        this.config = config;
        this.remote = remote;
        this.idleTimeoutNs = TimeUnit.MILLISECONDS.toNanos(config.idleTimeoutMs());
    }

    /** Connects the connection's decoding state; ingest thread, once, before any command. */
    void wire(ChunkDecoder decoder, AcknowledgementWindow acknowledgements, RtmpMessageWriter writer) {
        this.decoder = decoder;
        this.acknowledgements = acknowledgements;
        this.writer = writer;
    }

    String remote() {
        return remote;
    }

    /** What to run once when the connection closes; ingest thread, before the hand-off. */
    void onClosed(Runnable action) {
        this.onClosed = action;
    }

    /** Whether a play was accepted: the ingest thread should hand the connection to a player loop. */
    boolean handedOff() {
        return player;
    }

    /** Replies from now on go through the output, whose write role moves between loop and workers. */
    void redirectReplies() {
        writer.redirect(output);
    }

    // ------------------------------------------------------------------ PlayTarget (command thread)

    @Override
    public Result startPlay(String app, String name, int messageStreamId, boolean mayDemand) {
        if (path != null) {
            return Result.BUSY;
        }
        StreamPath requested = new StreamPath(app, name);
        Stream stream = mayDemand ? engine.streams().findOrDemand(requested) : engine.streams().find(requested);
        if (stream == null) {
            return Result.NOT_FOUND;
        }
        engine.streams().requireViewerRoom(stream);
        if (output == null) {
            int maxPendingBytes = (int) Math.min(Integer.MAX_VALUE,
                    2L * config.maxMessageBytes() + PENDING_SLACK_BYTES);
            output = new PlayerOutput(channel, writer.chunkSizeBytes(), maxPendingBytes);
            limitSendBuffer();
        }
        path = requested;
        started = stream;
        this.mayDemand = mayDemand;
        this.messageStreamId = messageStreamId;
        player = true;
        wantPlaying = true;
        LOG.info("RTMP {} plays {}", remote, requested);
        return Result.STARTED;
    }

    /**
     * A viewer's socket gets a bounded send buffer: with the kernel's autotuning (up to megabytes) a viewer that
     * stopped reading would look current for seconds, and would neither be skipped nor dropped in time.
     */
    private void limitSendBuffer() {
        int bytes = config.playSendBufferBytes();
        if (bytes <= 0) {
            return;
        }
        try {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, bytes);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("RTMP {}: cannot set the send buffer: {}", remote, e.toString());
        }
    }

    @Override
    public boolean pause(boolean paused) {
        if (path == null || paused == !wantPlaying) {
            return false;
        }
        wantPlaying = !paused;
        return true;
    }

    @Override
    public boolean seekToLive() {
        if (path == null) {
            return false;
        }
        restartRequested = wantPlaying;
        return true;
    }

    @Override
    public int stopPlay() {
        if (path == null) {
            return 0;
        }
        path = null;
        wantPlaying = false;
        return messageStreamId;
    }

    @Override
    public boolean isPlayer() {
        return player;
    }

    // ------------------------------------------------------------------ loop thread

    /** Registers with the loop's selector and starts playing; loop thread, once. */
    void adopt(PlayerLoop owner, Selector selector, long nowNs) throws IOException {
        loop = owner;
        key = channel.register(selector, SelectionKey.OP_READ, this);
        lastReadNs = nowNs;
        startIfWanted();
        writeIfOwner();
    }

    /** Reads and decodes what the viewer sent: acknowledgements, pings, pause, seek, stop. */
    void onReadable(ByteBuffer readBuffer, UnsafeBuffer readView, long nowNs) throws IOException {
        for (int i = 0; i < MAX_READS_PER_EVENT; i++) {
            readBuffer.clear();
            int n = channel.read(readBuffer);
            if (n < 0) {
                throw new EOFException("peer closed the connection");
            }
            if (n == 0) {
                break;
            }
            lastReadNs = nowNs;
            decoder.decode(readView, 0, n);
            long received = decoder.bytesConsumed();
            if (acknowledgements.shouldAcknowledge(received)) {
                writer.acknowledgement(received);
            }
        }
        detachIfUnwanted();
        writer.flush();
        startIfWanted();
        if (subscription == null) {
            writeIfOwner();
        } else if (output.hasQueuedControls()) {
            sink.onReplyQueued();
            subscription.requestPump();
        }
    }

    /** The socket takes bytes again. */
    void onWritable() throws IOException {
        key.interestOps(SelectionKey.OP_READ);
        writableEpoch++;
        if (subscription != null) {
            subscription.requestPump();
        } else {
            writeIfOwner();
        }
    }

    /** Handles what workers signalled; returns false when a sink closed the connection. */
    boolean onSignals() throws IOException {
        int bits = signals.getAndSet(0);
        if (closed) {
            return true;
        }
        if ((bits & SIGNAL_NOT_DELIVERED) != 0) {
            answerNotDelivered();
            return false;
        }
        if ((bits & SIGNAL_SINK_CLOSED) != 0) {
            return false;
        }
        if ((bits & SIGNAL_SINK_DETACHED) != 0) {
            subscription = null;
            sink = null;
            detachRequested = false;
            startIfWanted();
        }
        if (subscription == null) {
            writeIfOwner();
        } else if ((bits & SIGNAL_WRITE_INTEREST) != 0 && key.isValid()) {
            // Not once the key is cancelled: a sink's last request can come after the loop closed its connection.
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
        return true;
    }

    /** Why a sink closed the connection, for the log. */
    CloseReason sinkCloseReason() {
        return sinkCloseReason;
    }

    /** Nothing read for the idle timeout while nothing plays (a playing viewer is policed by the lag policy). */
    boolean isIdle(long nowNs) {
        return subscription == null && nowNs - lastReadNs > idleTimeoutNs;
    }

    /**
     * The stream closed before the viewer got anything: the write role is back with the loop, which answers
     * StreamNotFound with the stream's reason and then lets the connection close.
     */
    private void answerNotDelivered() throws IOException {
        subscription = null;
        sink = null;
        Stream stream = playing;
        String reason = stream == null || stream.closeReason() == null ? "no live stream " + path
                : stream.closeReason();
        LOG.info("RTMP {}: {} closed before it was delivered: {}", remote, path, reason);
        writer.command(messageStreamId, "onStatus", 0, null,
                NetStatus.error(NetStatus.PLAY_STREAM_NOT_FOUND, reason));
        writer.flush();
        output.drain();
        path = null;
        wantPlaying = false;
    }

    /** Ends the connection: the subscription is asked to end, the socket closed; loop thread, idempotent. */
    void close(CloseReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        if (subscription != null) {
            subscription.requestClose(reason);
        }
        if (key != null) {
            key.cancel();
        }
        closeChannel();
        if (decoder != null) {
            decoder.releaseBuffers(); // back to the server-wide budget for partial messages
        }
        onClosed.run();
    }

    private void detachIfUnwanted() {
        if (subscription != null && !detachRequested && (!wantPlaying || restartRequested)) {
            detachRequested = true;
            sink.detach();
            subscription.requestClose(CloseReason.VIEWER_LEFT);
        }
        restartRequested = false;
    }

    private void startIfWanted() throws IOException {
        if (loop == null || closed || subscription != null || !wantPlaying) {
            return;
        }
        RtmpPlaySink next = new RtmpPlaySink(this, output, messageStreamId);
        String refusal = null;
        try {
            Stream stream = streamToPlay();
            Subscription first = stream == null ? null : new Subscription(stream, PROTOCOL, next, engine.rings());
            sink = next;
            subscription = first;
            playing = stream;
            if (first != null && engine.fanout().add(first)) {
                return;
            }
        } catch (LimitExceededException | SourceUnavailableException e) {
            refusal = e.getMessage();
        }
        sink = null;
        subscription = null;
        if (refusal != null && channel.isOpen()) {
            LOG.warn("RTMP {}: play of {} refused: {}", remote, path, refusal);
            writer.command(messageStreamId, "onStatus", 0, null, NetStatus.error(NetStatus.PLAY_FAILED, refusal));
            writer.flush();
            path = null;
            wantPlaying = false;
            return;
        }
        if (channel.isOpen()) {
            LOG.info("RTMP {}: {} ended before it could be played again", remote, path);
            writer.command(messageStreamId, "onStatus", 0, null,
                    NetStatus.error(NetStatus.PLAY_STREAM_NOT_FOUND, "no live stream " + path));
            writer.flush();
        }
        path = null;
        wantPlaying = false;
    }

    /**
     * The stream the next subscription plays: the one {@link #startPlay} found while it is open (no second lookup on
     * this loop thread), else a fresh lookup (a restart after the stream closed).
     */
    private Stream streamToPlay() {
        Stream first = started;
        started = null;
        if (first != null && !first.isClosed()) {
            return first;
        }
        return mayDemand ? engine.streams().findOrDemand(path) : engine.streams().find(path);
    }

    /**
     * Sends what the replies left in the writer before the connection closes on a refusal, as far as the socket
     * takes it now and this loop holds the write role; loop thread.
     */
    void flushBeforeRefusalClose() {
        try {
            writer.flush();
            if (subscription == null) {
                output.drain();
            }
        } catch (IOException e) {
            LOG.debug("RTMP {}: refusal not sent: {}", remote, e.getMessage());
        }
    }

    private void writeIfOwner() throws IOException {
        if (subscription == null && !output.drain()) {
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
    }

    // ------------------------------------------------------------------ worker signals (any thread)

    /** Changes whenever the socket became writable again; a sink blocked at one value need not retry before. */
    int writableEpoch() {
        return writableEpoch;
    }

    /** The sink has bytes the socket did not take: the loop should report writability. */
    void requestWriteInterest() {
        signal(SIGNAL_WRITE_INTEREST);
    }

    /** A detached sink's subscription ended: the write role is back with the loop. */
    void onSinkDetached(RtmpPlaySink closedSink) {
        signal(SIGNAL_SINK_DETACHED);
    }

    /**
     * A sink's stream closed before it sent anything: the write role comes back to the loop, which answers
     * StreamNotFound and closes the connection.
     */
    void onSinkNotDelivered(RtmpPlaySink closedSink) {
        sinkCloseReason = CloseReason.STREAM_CLOSED;
        signal(SIGNAL_NOT_DELIVERED);
    }

    /** A sink ended the viewer (too slow, stream closed, shutdown, write failure): close the connection. */
    void onSinkClosed(RtmpPlaySink closedSink, CloseReason reason) {
        sinkCloseReason = reason;
        closeChannel();
        signal(SIGNAL_SINK_CLOSED);
    }

    private void signal(int bit) {
        int previous;
        do {
            previous = signals.get();
            if ((previous & bit) != 0) {
                return;
            }
        } while (!signals.compareAndSet(previous, previous | bit));
        PlayerLoop owner = loop;
        if (previous == 0 && owner != null) {
            owner.signal(this);
        }
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with it
        }
    }
}
