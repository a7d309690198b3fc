package io.ringcast.ingest.upstream;

import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.subscribe.Subscription;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.ingest.RtmpConfig;
import io.ringcast.ingest.server.PlayerOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.util.function.Consumer;

/**
 * Publishes a local stream to another RTMP server (nginx-rtmp, SRS, livego, ringcast) as an encoder does: handshake,
 * {@code connect}, {@code releaseStream}, {@code FCPublish}, {@code createStream}, {@code publish(name, "live")},
 * then, once the target answers {@code NetStream.Publish.Start}, hands out a {@link RtmpPushSink}: a
 * {@link io.ringcast.broadcast.subscribe.FrameSink} that a subscription of the local stream feeds like a viewer.
 * {@link #connect} blocks on the caller's (relay pool) thread with every read bounded by the read timeout;
 * {@link #close()} from any thread ends it, or the sink it returned.
 *
 * <p>One instance per connection attempt: after the sink reported a drop, the relay makes a new one to reconnect.
 */
public final class RtmpPush implements UpstreamPush {
    /** Default bound of the bytes a slow target may leave unsent: a few large keyframes. */
    public static final int DEFAULT_MAX_PENDING_BYTES = 4 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(RtmpPush.class);
    private static final String PUBLISH_START = "NetStream.Publish.Start";

    private final UpstreamUrl target;
    private final int maxPendingBytes;
    private final RtmpClientConnection connection;
    private volatile RtmpPushSink sink;
    private boolean published;

    /**
     * @param connectTimeoutMs how long the TCP connect may take
     * @param readTimeoutMs    longest wait for each answer of the target while connecting and publishing
     * @param clock            the engine's clock, for the read timeouts
     */
    public RtmpPush(UpstreamUrl target, int connectTimeoutMs, int readTimeoutMs, NanoClock clock) {
        this(target, connectTimeoutMs, readTimeoutMs, clock, DEFAULT_MAX_PENDING_BYTES);
    }

    /** @param maxPendingBytes most bytes kept for a target that does not take them; more drops the connection */
    public RtmpPush(UpstreamUrl target, int connectTimeoutMs, int readTimeoutMs, NanoClock clock,
                    int maxPendingBytes) {
        if (maxPendingBytes < RtmpConfig.DEFAULTS.outChunkSizeBytes()) {
            throw new IllegalArgumentException("maxPendingBytes too small: " + maxPendingBytes);
        }
        this.target = target;
        this.maxPendingBytes = maxPendingBytes;
        this.connection = new RtmpClientConnection(target, connectTimeoutMs, readTimeoutMs, clock);
    }

    /**
     * Connects and publishes; blocks until the target accepted the publish. The socket is non-blocking afterwards
     * and belongs to the returned sink.
     *
     * @param onClosed told once, with the reason, when the target drops the push (write error, end of stream, an
     *                 error onStatus, too slow); not when {@link #close()} or {@link RtmpPushSink#close()} ended it.
     *                 Called on the fan-out worker: hand the reconnect to another thread.
     * @throws UpstreamException when the target is unreachable, times out or refuses (the message carries its
     *                           code and description, e.g. NetStream.Publish.BadName)
     */
    public RtmpPushSink connect(Consumer<String> onClosed) throws IOException {
        boolean done = false;
        try {
            connection.onStatus(this::onPublishStatus);
            connection.open((type, data, offset, length) -> null); // a push plays nothing
            int chunkSizeBytes = RtmpConfig.DEFAULTS.outChunkSizeBytes();
            connection.connect(chunkSizeBytes);
            String name = target.rtmpStreamName();
            connection.call("releaseStream", null, name);
            connection.call("FCPublish", null, name);
            int streamId = connection.createStream();
            connection.writer().command(streamId, "publish", 0, null, name, "live");
            connection.writer().flush();
            while (!published) {
                if (connection.readOnce() < 0) {
                    throw new UpstreamException("target closed the connection before the publish started");
                }
            }
            connection.io().release();
            // As for RTMP viewers: a bounded kernel buffer, so a slow target shows as lag the subscription acts on
            // (skip to a keyframe) instead of seconds of media queued out of its sight.
            connection.channel().setOption(StandardSocketOptions.SO_SNDBUF,
                    RtmpConfig.DEFAULTS.playSendBufferBytes());
            PlayerOutput output = new PlayerOutput(connection.channel(), chunkSizeBytes, maxPendingBytes);
            RtmpPushSink started = new RtmpPushSink(target, connection, output, streamId, onClosed);
            sink = started;
            if (connection.isClosed()) {
                throw new java.nio.channels.ClosedChannelException();
            }
            LOG.info("push to {} publishes", target);
            done = true;
            return started;
        } finally {
            if (!done) {
                connection.close();
                connection.releaseBuffers();
            }
        }
    }

    /** Connects and publishes ({@link #connect(Consumer)}), then subscribes the sink to {@code stream}. */
    @Override
    public Subscription connect(Stream stream, RingConfig rings, Consumer<String> onClosed) throws IOException {
        return connect(onClosed).subscribe(stream, rings);
    }

    @Override
    public long bytesWritten() {
        RtmpPushSink s = sink;
        return s == null ? 0 : s.bytesWritten();
    }

    @Override
    public long framesWritten() {
        RtmpPushSink s = sink;
        return s == null ? 0 : s.framesSent();
    }

    @Override
    public long skips() {
        RtmpPushSink s = sink;
        return s == null ? 0 : s.skips();
    }

    private void onPublishStatus(RtmpClientConnection.Status status) throws UpstreamException {
        if (PUBLISH_START.equals(status.code())) {
            published = true;
        } else if (status.isError() || status.code().startsWith("NetStream.Publish.")) {
            throw new UpstreamException("target refused the publish: " + status);
        }
    }

    /** Ends {@link #connect} or the sink it returned (without telling its listener); any thread, idempotent. */
    @Override
    public void close() {
        RtmpPushSink s = sink;
        if (s != null) {
            s.close();
        }
        connection.close();
    }

    @Override
    public String toString() {
        return "RtmpPush(" + target + ")";
    }
}
