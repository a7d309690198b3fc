package io.ringcast.perf.load.viewer;

import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.perf.load.media.FrameTagger;
import io.ringcast.perf.load.media.SentFrames;
import io.ringcast.perf.load.rtmp.ChunkBoundaryTracker;
import io.ringcast.perf.load.rtmp.RtmpClientHandshake;
import io.ringcast.perf.load.rtmp.RtmpClientSession;
import io.ringcast.perf.load.rtmp.RtmpCommands;
import io.ringcast.perf.load.rtmp.RtmpUrl;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.agrona.DirectBuffer;

/**
 * An RTMP player: handshake, connect, createStream, play, then audio and video messages; it answers the server's
 * control messages through its {@link RtmpClientSession}. Owned by its {@link ViewerLoop} thread.
 */
public final class RtmpViewerConnection extends ViewerConnection implements RtmpClientSession.Handler {
    private enum Phase { HANDSHAKE, CONNECTING, CREATING_STREAM, PLAYING }

    private final RtmpUrl url;
    private final RtmpClientHandshake handshake = new RtmpClientHandshake();
    private final RtmpClientSession session = new RtmpClientSession(this, true, FrameTagger.PREFIX_BYTES);
    /** Fed only in {@link ReadMode#TAGS}, the one mode that asks it. */
    private final ChunkBoundaryTracker chunkBoundaries = new ChunkBoundaryTracker();
    private Phase phase = Phase.HANDSHAKE;
    private double connectTransaction;
    private double createStreamTransaction;
    private long nowNs;

    public RtmpViewerConnection(ViewerGroup group, RtmpUrl url, InetSocketAddress server, ViewerSettings settings,
                                RunWindow window, SentFrames sent) {
        super(group, server, settings, window, sent);
        this.url = url;
    }

    @Override
    protected void onConnected(long nowNs) {
        session.sendRaw(handshake.c0c1());
    }

    @Override
    protected boolean writeOutput(SocketChannel channel, long nowNs) throws IOException {
        int length = session.outputLength();
        if (length > 0) {
            session.outputWritten(channel.write(ByteBuffer.wrap(session.outputArray(), 0, length)));
        }
        boolean flushed = session.outputLength() == 0;
        if (flushed && phase == Phase.PLAYING && frames().requestSentNs() == FrameTracker.NOT_YET) {
            frames().requestSent(nowNs);
        }
        return flushed;
    }

    @Override
    protected void onBytes(DirectBuffer buffer, int offset, int length, long receivedNs) {
        nowNs = receivedNs;
        int position = offset;
        int remaining = length;
        if (phase == Phase.HANDSHAKE) {
            int used = handshake.consume(buffer, position, remaining);
            position += used;
            remaining -= used;
            if (!handshake.isComplete()) {
                return;
            }
            session.sendRaw(handshake.c2());
            connectTransaction = session.sendCommand(0, "connect", RtmpCommands.connectObject(url, false));
            phase = Phase.CONNECTING;
        }
        if (remaining > 0) {
            session.received(buffer, position, remaining, receivedNs);
            if (readMode() == ReadMode.TAGS) {
                chunkBoundaries.consume(buffer, position, remaining);
            }
        }
    }

    /** The handshake packet in progress (S0, S1, S2), then the chunk unit in progress. */
    @Override
    protected int bytesWantedNext() {
        return phase == Phase.HANDSHAKE ? handshake.bytesToPacketEnd() : chunkBoundaries.bytesToUnitEnd();
    }

    @Override
    public void onCommand(String name, double transactionId, List<Object> arguments, int messageStreamId) {
        if (isEnded()) {
            return;
        }
        switch (name) {
            case "_result" -> onResult(transactionId, arguments);
            case "_error" -> end(EndReason.REFUSED, "_error " + RtmpCommands.code(arguments), nowNs);
            case "onStatus" -> {
                if (RtmpCommands.isError(arguments)) {
                    end(EndReason.REFUSED, RtmpCommands.code(arguments), nowNs);
                }
            }
            default -> {
            }
        }
    }

    private void onResult(double transactionId, List<Object> arguments) {
        if (phase == Phase.CONNECTING && transactionId == connectTransaction) {
            createStreamTransaction = session.sendCommand(0, "createStream", (Object) null);
            phase = Phase.CREATING_STREAM;
        } else if (phase == Phase.CREATING_STREAM && transactionId == createStreamTransaction) {
            int streamId = RtmpCommands.createdStreamId(arguments);
            if (streamId < 0) {
                end(EndReason.REFUSED, "createStream returned no stream id", nowNs);
                return;
            }
            session.sendCommand(streamId, "play", null, url.streamName());
            phase = Phase.PLAYING;
        }
    }

    @Override
    public long ignoredMessages() {
        return session.unknownMessages();
    }

    @Override
    public void onMedia(int messageTypeId, long timestampMs, DirectBuffer prefix, int prefixLength, int length,
                        long receivedNs) {
        if (messageTypeId == MessageTypeIds.VIDEO) {
            frames().onVideo(timestampMs, prefix, prefixLength, receivedNs);
        } else {
            frames().onAudio(timestampMs, prefix, prefixLength, receivedNs);
        }
    }
}
