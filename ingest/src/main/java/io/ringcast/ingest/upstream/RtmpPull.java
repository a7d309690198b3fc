package io.ringcast.ingest.upstream;

import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.publish.MediaIngest;
import io.ringcast.ingest.server.MessageDispatcher;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Pulls one stream from an RTMP server (nginx-rtmp, SRS, livego, ringcast) as a player does: handshake,
 * {@code connect}, {@code createStream}, {@code play}, then feeds what arrives into the ingest its
 * {@link PullTarget} returns, through the same chunk decoder, dispatcher and {@link MediaIngest} a publishing
 * connection uses (zero copy into the track rings, no allocation per frame). Runs on the relay pool thread that calls
 * {@link #run}; {@link #close()} from any thread.
 *
 * <p>The stream counts as live at its first media or metadata message, not at {@code NetStream.Play.Start}:
 * nginx-rtmp answers Play.Start for a stream nobody publishes and then sends nothing, and the read timeout turns
 * that silence into a failure the relay fails over from. {@code NetStream.Play.UnpublishNotify}, {@code Play.Stop},
 * {@code Play.Complete} and the User Control event StreamEOF (nginx-rtmp's default notice) end the pull normally;
 * {@code StreamNotFound}, {@code Failed} and any error-level status end it with an {@link UpstreamException}
 * carrying the code and description. An upstream that closes the connection (ringcast does when the stream ends)
 * ends it with an {@link UpstreamException} too.
 */
public final class RtmpPull implements UpstreamPull {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpPull.class);
    /** Play from the live stream, or a recording of that name when there is none (ffmpeg's default). */
    static final double PLAY_START_LIVE_OR_RECORDED = -2;
    /** Outgoing chunk size: a player sends only small commands. */
    private static final int CHUNK_SIZE_BYTES = 4096;

    private final UpstreamUrl url;
    private final RtmpClientConnection connection;
    private final MessageDispatcher.IngestRoute route = this::route;
    private PullTarget target;
    private MediaIngest ingest;
    private int streamId = -1;
    private boolean ended;
    private String endCode;

    /**
     * @param connectTimeoutMs how long the TCP connect may take
     * @param readTimeoutMs    longest silence of the upstream, in the handshake, the commands and the media
     * @param clock            the engine's clock: read timeouts, and the frames' ingest time
     */
    public RtmpPull(UpstreamUrl url, int connectTimeoutMs, int readTimeoutMs, NanoClock clock) {
        this.url = url;
        this.connection = new RtmpClientConnection(url, connectTimeoutMs, readTimeoutMs, clock);
        connection.onStatus(this::onStatus);
        connection.onStreamEof(this::onStreamEof);
    }

    @Override
    public void run(PullTarget pullTarget) throws IOException {
        this.target = pullTarget;
        try {
            connection.open(route);
            connection.connect(CHUNK_SIZE_BYTES);
            streamId = connection.createStream();
            connection.writer().command(streamId, "play", 0, null, url.rtmpStreamName(),
                    PLAY_START_LIVE_OR_RECORDED);
            connection.writer().setBufferLength(streamId, RtmpClientConnection.BUFFER_LENGTH_MS);
            connection.writer().flush();
            while (!ended) {
                int n = connection.readOnce();
                if (n < 0) {
                    throw new UpstreamException("upstream closed the connection" + (ingest == null
                            ? " before sending media" : ""));
                }
                pullTarget.bytesRead(n);
                if (ingest != null) {
                    ingest.readAt(connection.lastReadNs());
                }
            }
            LOG.info("pull from {} ended by the upstream: {}", url, endCode);
        } finally {
            connection.close();
            connection.releaseBuffers();
        }
    }

    /**
     * Media and metadata go to the target's ingest, which the first of them starts; other data messages
     * ({@code |RtmpSampleAccess}) are dropped. Decoding thread, per message.
     */
    private MediaIngest route(int messageTypeId, DirectBuffer data, int offset, int length) {
        MediaIngest current = ingest;
        if (current != null) {
            return current;
        }
        boolean media = messageTypeId == MessageTypeIds.AUDIO || messageTypeId == MessageTypeIds.VIDEO;
        if (!media && (messageTypeId != MessageTypeIds.DATA_AMF0 || !MediaIngest.isMetadata(data, offset, length))) {
            return null;
        }
        try {
            current = target.live();
        } catch (UpstreamException e) {
            throw new UncheckedIOException(e);
        }
        current.readAt(connection.lastReadNs());
        ingest = current;
        LOG.info("pull from {} is live", url);
        return current;
    }

    /** nginx-rtmp's only word, by default, that the publisher left (no UnpublishNotify without publish_notify). */
    private void onStreamEof(int messageStreamId) {
        if (messageStreamId == streamId) {
            ended = true;
            endCode = "StreamEOF";
        }
    }

    private void onStatus(RtmpClientConnection.Status status) throws UpstreamException {
        switch (status.code()) {
            case "NetStream.Play.Start", "NetStream.Play.Reset", "NetStream.Play.PublishNotify",
                 "NetStream.Data.Start" -> LOG.debug("pull from {}: {}", url, status);
            case "NetStream.Play.UnpublishNotify", "NetStream.Play.Stop", "NetStream.Play.Complete" -> {
                ended = true;
                endCode = status.code();
            }
            default -> {
                if (status.isError() || status.code().equals("NetStream.Play.StreamNotFound")
                        || status.code().equals("NetStream.Play.Failed")) {
                    throw new UpstreamException("upstream refused the play: " + status);
                }
                LOG.debug("pull from {}: {}", url, status);
            }
        }
    }

    @Override
    public void close() {
        connection.close();
    }

    @Override
    public String toString() {
        return "RtmpPull(" + url + ")";
    }
}
