package io.ringcast.ingest.upstream;

import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.WakeTarget;
import io.ringcast.broadcast.subscribe.CloseReason;
import io.ringcast.broadcast.subscribe.FrameSink;
import io.ringcast.broadcast.subscribe.Subscription;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.ingest.server.PlayerOutput;
import io.ringcast.ingest.server.RtmpMediaWriter;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * The publishing side of an {@link RtmpPush} once the target accepted it: a {@link FrameSink} that sends the
 * local stream's metadata ({@code @setDataFrame onMetaData}), sequence headers and frames as RTMP messages, encoded
 * by the viewer's {@link RtmpMediaWriter}. Its sink methods run on the subscription's fan-out worker; the counters
 * and {@link #close()} may be used from any thread.
 *
 * <p>Writes never block: what the socket does not take stays pending in a {@link PlayerOutput} bounded by the
 * push's {@code maxPendingBytes}, and {@link #isReady()} is false until it is written. A sink that is not ready is
 * retried each time the stream publishes a frame (its waker asks the subscription for a pump) and at least every
 * {@link PushRetryTimer#RETRY_MS} (one timer thread for all pushes), so a slow target
 * makes the subscription skip to the next keyframe ({@link io.ringcast.broadcast.subscribe.LagPolicy}), counted in
 * {@link #skips()}, and never slows the publisher. Each call also reads what the target sent without waiting:
 * acknowledgements, pings (answered), an error onStatus (which ends the push). A dropped target closes the sink and
 * tells the listener why.
 */
public final class RtmpPushSink implements FrameSink {
    /** Protocol name under which pushes are counted among a stream's subscribers. */
    public static final String PROTOCOL = "push";
    private static final Logger LOG = LoggerFactory.getLogger(RtmpPushSink.class);

    private final UpstreamUrl target;
    private final RtmpClientConnection connection;
    private final PlayerOutput output;
    private final RtmpMediaWriter media;
    private final Consumer<String> onClosed;
    private final WakeTarget waker = this::retryIfBlocked;
    private volatile Subscription subscription;
    private Stream stream;
    /** Why the push failed (set before the exception that makes the subscription close the sink), or null. */
    private volatile String failure;
    private volatile boolean closedByOwner;
    private volatile boolean blocked;
    private volatile CloseReason closeReason;
    private boolean closed;
    private boolean hasVideo;
    private boolean started;

    /** Counted by the worker; published to the volatile fields below for other threads. */
    private long frameCount;
    private long skipCount;
    private volatile long bytesWritten;
    private volatile long framesSent;
    private volatile long skips;
    private volatile long pendingBytes;

    RtmpPushSink(UpstreamUrl target, RtmpClientConnection connection, PlayerOutput output, int messageStreamId,
                 Consumer<String> onClosed) {
        this.target = target;
        this.connection = connection;
        this.output = output;
        this.media = new RtmpMediaWriter(output, messageStreamId, true);
        this.onClosed = onClosed;
        connection.writer().redirect(output); // pong and acknowledgements go between whole messages
        connection.onStatus(status -> {
            if (status.isError()) {
                throw new UpstreamException("target ended the publish: " + status);
            }
        });
    }

    /**
     * The subscription that feeds this sink, wired so a blocked sink is retried per published frame; add it to
     * {@code engine.fanout()}. Call once.
     */
    public Subscription subscribe(Stream source, RingConfig rings) {
        Subscription s = new Subscription(source, PROTOCOL, this, rings);
        attach(s, source);
        return s;
    }

    /** Wires a subscription made elsewhere (with this sink) to be retried per published frame; call once. */
    public synchronized void attach(Subscription s, Stream source) {
        this.subscription = s;
        this.stream = source;
        source.addWakeTarget(waker);
        PushRetryTimer.register(this);
    }

    /**
     * A sink that refused bytes is asked again (the socket may have drained meanwhile): per published frame on the
     * producer's thread, and every {@link PushRetryTimer#RETRY_MS} on the retry timer's.
     */
    void retryIfBlocked() {
        Subscription s = subscription;
        if (blocked && s != null) {
            s.requestPump();
        }
    }

    @Override
    public boolean isReady() throws IOException {
        checkOpen();
        try {
            if (connection.readAvailable() < 0) {
                throw new IOException("target closed the connection");
            }
            boolean drained = output.drain();
            blocked = !drained;
            return drained;
        } catch (IOException e) {
            throw failed(e);
        } finally {
            publishCounters();
        }
    }

    @Override
    public void writeStart(byte[] metadata, TrackFormat videoFormat, TrackFormat audioFormat) throws IOException {
        checkOpen();
        hasVideo = videoFormat != null;
        started = true;
        try {
            blocked = !media.writeStart(metadata, videoFormat, audioFormat);
        } catch (IOException e) {
            throw failed(e);
        } finally {
            publishCounters();
        }
    }

    @Override
    public void writeMetadata(byte[] metadata, long timestampMs) throws IOException {
        checkOpen();
        try {
            blocked = !media.writeMetadata(metadata, timestampMs);
        } catch (IOException e) {
            throw failed(e);
        } finally {
            publishCounters();
        }
    }

    /** Called by the subscription after it skipped frames (too slow): one skip per video header re-sent. */
    @Override
    public void writeSequenceHeader(TrackFormat format, long timestampMs) throws IOException {
        checkOpen();
        if (started && (format.codec().kind() == TrackKind.VIDEO || !hasVideo)) {
            skipCount++;
        }
        try {
            blocked = !media.writeSequenceHeader(format, timestampMs);
        } catch (IOException e) {
            throw failed(e);
        } finally {
            publishCounters();
        }
    }

    @Override
    public void writeFrame(TrackKind kind, FrameEvent frame, DirectBuffer buffer, int offset, int length)
            throws IOException {
        checkOpen();
        try {
            blocked = !media.writeFrame(kind, frame, buffer, offset, length);
            frameCount++;
        } catch (IOException e) {
            throw failed(e);
        } finally {
            publishCounters();
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            if (!output.flushPending()) {
                blocked = true;
            }
        } catch (IOException e) {
            throw failed(e);
        } finally {
            publishCounters();
        }
    }

    @Override
    public void close(CloseReason reason) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (stream != null) {
                stream.removeWakeTarget(waker);
                PushRetryTimer.unregister(this);
            }
        }
        closeReason = reason;
        connection.close();
        connection.releaseBuffers();
        publishCounters();
        if (closedByOwner) {
            LOG.info("push to {} stopped after {} frames", target, framesSent);
            return;
        }
        String why = failure != null ? failure : describe(reason);
        LOG.warn("push to {} dropped after {} frames: {}", target, framesSent, why);
        onClosed.accept(why);
    }

    /** Stops the push without telling the listener: closes the socket and asks the subscription to end; any thread. */
    public void close() {
        closedByOwner = true;
        connection.close();
        Subscription s = subscription;
        if (s != null) {
            s.requestClose(CloseReason.VIEWER_LEFT);
        }
    }

    /** Why the sink closed, null while open. */
    public CloseReason closeReason() {
        return closeReason;
    }

    /** Bytes the target took so far. */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** Audio and video frames handed to the socket (sequence headers at start or after a skip not counted). */
    public long framesSent() {
        return framesSent;
    }

    /** Times the subscription skipped to a newer keyframe because the target was too slow. */
    public long skips() {
        return skips;
    }

    /** Bytes the target has not taken yet; at most the push's {@code maxPendingBytes}. */
    public long pendingBytes() {
        return pendingBytes;
    }

    private void checkOpen() throws IOException {
        if (closedByOwner) {
            throw new IOException("push stopped");
        }
        String why = failure;
        if (why != null) {
            throw new IOException(why);
        }
    }

    /** Remembers why the target failed, for the listener; returns the exception to throw. */
    private IOException failed(IOException e) {
        if (failure == null) {
            failure = e instanceof UpstreamException ? e.getMessage() : "write to target failed: " + e.getMessage();
        }
        return e;
    }

    private void publishCounters() {
        bytesWritten = output.bytesWritten();
        pendingBytes = output.pendingBytes();
        framesSent = frameCount;
        skips = skipCount;
    }

    private static String describe(CloseReason reason) {
        return switch (reason) {
            case TOO_SLOW -> "target too slow: it took no data for longer than the disconnect lag";
            case STREAM_CLOSED -> "the pushed stream closed";
            case SHUTDOWN -> "server shutting down";
            case VIEWER_LEFT -> "push stopped";
            case WRITE_FAILED -> "write to target failed";
            case OVERWRITTEN_MID_WRITE -> "the publisher overwrote a frame while it was pushed (half a ring behind)";
        };
    }
}
