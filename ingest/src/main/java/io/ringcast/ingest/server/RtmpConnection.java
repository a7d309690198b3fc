package io.ringcast.ingest.server;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.auth.PlayTokens;
import io.ringcast.broadcast.auth.PublishAuthorizer;
import io.ringcast.broadcast.hooks.StreamHooks;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.ingest.RtmpConfig;
import io.ringcast.ingest.RtmpConnectRefusedException;
import io.ringcast.ingest.RtmpProtocolException;
import io.ringcast.ingest.chunk.AcknowledgementWindow;
import io.ringcast.ingest.chunk.ChunkDecoder;
import io.ringcast.ingest.chunk.PartialMessageBudget;
import io.ringcast.ingest.chunk.PartialMessageBudgetException;
import io.ringcast.ingest.command.CommandHandler;
import io.ringcast.ingest.handshake.HandshakeResponder;
import io.ringcast.ingest.publish.MediaIngest;
import io.ringcast.ingest.publish.StaleTakeover;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One RTMP connection on its own ingest thread: reads the socket into a direct buffer, runs the handshake, then
 * feeds the chunk decoder, whose messages the {@link MessageDispatcher} routes; flushes replies. Parses nothing
 * itself. Any protocol violation, timeout or I/O error closes this connection alone, with a logged reason.
 *
 * <p>When a play is accepted the connection stops being served here: the socket, decoder state and writer go to a
 * shared {@link PlayerLoop} (through its {@link PlayerSession}) and this thread ends without closing the socket.
 */
final class RtmpConnection implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpConnection.class);
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final int MAX_CHUNK_STREAMS = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SocketChannel channel;
    private final RtmpConfig config;
    private final Engine engine;
    /**
     * The engine's clock, in a final field: read once per socket read to stamp the frames' ingest time (latency is
     * measured from there), so the call must stay cheap; with one clock class in the process it inlines.
     */
    private final NanoClock clock;
    private final RtmpPlayerLoops players;
    private final Consumer<RtmpConnection> onClosed;
    private final PartialMessageBudget partialMessageBudget;
    private final String remote;
    /** Why a limit refused this connection at accept (told at connect), or null for a connection served. */
    private final String refusal;
    private volatile Thread thread;
    /** The connection's timed I/O while its thread serves it; null before and after. */
    private volatile ChannelIo io;
    private volatile String closeReason;
    /** Whether the handshake completed: a timeout before is a handshake timeout, after an idle timeout. */
    private boolean handshakeDone;

    RtmpConnection(SocketChannel channel, RtmpConfig config, Engine engine, RtmpPlayerLoops players,
                   PartialMessageBudget partialMessageBudget, Consumer<RtmpConnection> onClosed) {
        this(channel, config, engine, players, partialMessageBudget, onClosed, null);
    }

    /**
     * A connection refused by a limit: it runs the handshake and answers connect with the {@code refusal}, then
     * closes; every read is bounded by the handshake timeout, so it cannot linger.
     */
    static RtmpConnection refusing(SocketChannel channel, RtmpConfig config, Engine engine,
                                   PartialMessageBudget partialMessageBudget, String refusal,
                                   Consumer<RtmpConnection> onClosed) {
        return new RtmpConnection(channel, config, engine, null, partialMessageBudget, onClosed, refusal);
    }

    private RtmpConnection(SocketChannel channel, RtmpConfig config, Engine engine, RtmpPlayerLoops players,
                           PartialMessageBudget partialMessageBudget, Consumer<RtmpConnection> onClosed,
                           String refusal) {
        this.partialMessageBudget = partialMessageBudget;
        this.refusal = refusal;
        this.channel = channel;
        this.config = config;
        this.engine = engine;
        this.clock = engine.clock();
        this.players = players;
        this.onClosed = onClosed;
        String address;
        try {
            address = String.valueOf(channel.getRemoteAddress()).replaceFirst("^/", "");
        } catch (IOException e) {
            address = "?";
        }
        this.remote = address;
    }

    void bindThread(Thread t) {
        this.thread = t;
    }

    @Override
    public void run() {
        MediaIngest media = new MediaIngest(engine.streams(), this::publishAuthorizer, remote,
                new StaleTakeover(config.stalePublisherMs(), this::closeTakenOver), this::close, engine.wallClock());
        ChunkDecoder decoder = null;
        CommandHandler handler = null;
        boolean played = false;
        // On the heap: ChannelIo reads through the socket adaptor, which takes an array. A local of this thread: a
        // player handed to a loop reads into the loop's buffer, and its session keeps this object reachable (the
        // handlers' callbacks), so a buffer held in a field was 64 KB of heap per RTMP viewer.
        UnsafeBuffer readView = new UnsafeBuffer(ByteBuffer.allocate(READ_BUFFER_BYTES));
        try (ChannelIo io = new ChannelIo(channel, clock)) {
            this.io = io;
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            RtmpMessageWriter writer = new RtmpMessageWriter(io, config.idleTimeoutMs());
            int leftover = handshake(io, readView);
            handshakeDone = true;
            AcknowledgementWindow acknowledgements = new AcknowledgementWindow();
            PlayerSession player = new PlayerSession(channel, engine, config, remote);
            CommandHandler commands = new CommandHandler(writer, media, player, config.outChunkSizeBytes(), remote,
                    () -> engine.service(PlayTokens.class), () -> engine.service(StreamHooks.class));
            handler = commands;
            player.onClosed(commands::connectionClosed);
            if (refusal != null) {
                commands.refuseConnect(refusal);
            }
            MessageDispatcher dispatcher = new MessageDispatcher(commands, media, writer, acknowledgements, remote);
            decoder = new ChunkDecoder(dispatcher, config.maxMessageBytes(), config.maxChunkSizeBytes(),
                    MAX_CHUNK_STREAMS, config.maxPartialMessageBytesPerConnection(), partialMessageBudget);
            player.wire(decoder, acknowledgements, writer);
            boolean playing;
            try {
                playing = serve(io, readView, decoder, media, writer, acknowledgements, leftover, player);
            } catch (RtmpProtocolException | RtmpConnectRefusedException e) {
                flushBeforeClose(writer); // the peer learns why, e.g. _error NetConnection.Connect.Rejected
                throw e;
            }
            if (playing) {
                played = handOff(io, player);
            }
        } catch (PartialMessageBudgetException e) {
            engine.counters().counter(e.serverWide() ? RtmpCounters.CLOSED_MAX_PARTIAL_MESSAGE_BYTES
                    : RtmpCounters.CLOSED_MAX_PARTIAL_MESSAGE_BYTES_PER_CONNECTION).incrementAndGet();
            LOG.warn("RTMP {} closed: {}", remote, e.getMessage());
        } catch (RtmpConnectRefusedException e) {
            LOG.info("RTMP {} refused: {}", remote, e.getMessage());
        } catch (RtmpProtocolException e) {
            engine.counters().counter(RtmpCounters.CLOSED_PROTOCOL_VIOLATION).incrementAndGet();
            LOG.warn("RTMP {} closed: protocol violation: {}", remote, e.getMessage());
        } catch (SocketTimeoutException e) {
            if (refusal == null) { // a refused connection was counted at accept
                engine.counters().counter(handshakeDone ? RtmpCounters.CLOSED_IDLE_TIMEOUT
                        : RtmpCounters.CLOSED_HANDSHAKE_TIMEOUT).incrementAndGet();
            }
            LOG.info("RTMP {} closed: timed out: {}", remote, e.getMessage());
        } catch (ClosedChannelException e) {
            LOG.info("RTMP {} closed: {}", remote, closeReason == null ? "connection closed" : closeReason);
        } catch (IOException e) {
            LOG.info("RTMP {} closed: {}", remote, e.getMessage());
        } finally {
            if (decoder != null && !played) { // a player's decoder lives on in its player loop
                decoder.releaseBuffers();
            }
            media.stopPublish();
            if (handler != null && !played) { // a player's session tells its handler when it closes
                handler.connectionClosed();
            }
            onClosed.accept(this);
            thread = null; // ending; a player's session keeps this object (and so the thread's) reachable
        }
    }

    private void flushBeforeClose(RtmpMessageWriter writer) {
        try {
            writer.flush();
        } catch (IOException e) {
            LOG.debug("RTMP {}: last answer not sent: {}", remote, e.getMessage());
        }
    }

    /** Reads wait at most this long: a refused connection gets no more time than a handshake. */
    private long readTimeoutMs() {
        return refusal == null ? config.idleTimeoutMs() : config.handshakeTimeoutMs();
    }

    /**
     * Runs the handshake; returns how many bytes after C2 are already in the read buffer (at its start). The whole
     * handshake must complete within the handshake timeout on the engine's clock, however the peer paces its bytes.
     */
    private int handshake(ChannelIo io, UnsafeBuffer readView) throws IOException {
        ByteBuffer readBuffer = readView.byteBuffer();
        HandshakeResponder responder = new HandshakeResponder(RANDOM, (int) engine.wallClock().millis());
        long startNs = clock.nanoTime();
        long timeoutNs = TimeUnit.MILLISECONDS.toNanos(config.handshakeTimeoutMs());
        boolean responded = false;
        while (true) {
            readBuffer.clear();
            int n = io.read(readBuffer, startNs, config.handshakeTimeoutMs());
            if (n < 0) {
                throw new IOException("peer closed during handshake");
            }
            if (clock.nanoTime() - startNs >= timeoutNs) {
                throw new SocketTimeoutException("handshake not completed within " + config.handshakeTimeoutMs()
                        + " ms");
            }
            int consumed = responder.consume(readView, 0, n);
            if (!responded && responder.isResponseReady()) {
                ByteBuffer response = ByteBuffer.wrap(responder.response().byteArray(), 0,
                        responder.responseLength());
                io.writeFully(response, config.handshakeTimeoutMs());
                responded = true;
            }
            if (responder.isComplete()) {
                int leftover = n - consumed;
                readView.putBytes(0, readView, consumed, leftover);
                return leftover;
            }
        }
    }

    /**
     * Serves the connection until it ends (false) or a play was accepted and it must be handed off (true). Idle
     * rule, on the engine's clock: a read must follow the previous one (or the handshake) within the read timeout;
     * bytes that arrive later than that come too late and close the connection as idle.
     */
    private boolean serve(ChannelIo io, UnsafeBuffer readView, ChunkDecoder decoder, MediaIngest media,
                          RtmpMessageWriter writer, AcknowledgementWindow acknowledgements, int leftover,
                          PlayerSession player) throws IOException {
        ByteBuffer readBuffer = readView.byteBuffer();
        long readTimeoutMs = readTimeoutMs();
        long readTimeoutNs = TimeUnit.MILLISECONDS.toNanos(readTimeoutMs);
        long lastReadNs = clock.nanoTime();
        media.readAt(lastReadNs);
        decoder.decode(readView, 0, leftover);
        writer.flush();
        while (!player.handedOff()) {
            readBuffer.clear();
            int n = io.read(readBuffer, lastReadNs, readTimeoutMs);
            if (n < 0) {
                closeReason = "peer closed the connection";
                LOG.info("RTMP {} closed by peer", remote);
                return false;
            }
            long nowNs = clock.nanoTime();
            if (nowNs - lastReadNs >= readTimeoutNs) {
                throw new SocketTimeoutException("no data for " + readTimeoutMs + " ms");
            }
            lastReadNs = nowNs;
            media.readAt(nowNs);
            decoder.decode(readView, 0, n);
            long received = decoder.bytesConsumed();
            if (acknowledgements.shouldAcknowledge(received)) {
                writer.acknowledgement(received);
            }
            writer.flush();
        }
        return true;
    }

    /**
     * Gives socket and decoding state to a player loop; this thread then ends. Replies were flushed. Returns false
     * when no loop took it (the server is stopping) and the socket was closed.
     */
    private boolean handOff(ChannelIo io, PlayerSession player) throws IOException {
        player.redirectReplies();
        io.release();
        if (!players.adopt(player)) {
            closeReason = "server shutting down";
            channel.close();
            return false;
        }
        LOG.debug("RTMP {} handed to a player loop", remote);
        return true;
    }

    /** A successor took this connection's stream over (it had gone silent): closes it, counted. Any thread. */
    private void closeTakenOver() {
        engine.counters().counter(RtmpCounters.CLOSED_PUBLISHER_TAKEN_OVER).incrementAndGet();
        close("a new publisher took its stream over after " + config.stalePublisherMs() + " ms of silence");
    }

    /** Closes the socket from another thread; the connection's thread then ends and cleans up. */
    void close(String reason) {
        closeReason = reason;
        try {
            channel.close();
        } catch (IOException ignored) {
            // already closing
        }
        ChannelIo waiting = io;
        if (waiting != null) {
            waiting.wakeup(); // a read ends with the close; a write may be waiting for a peer that takes nothing
        }
    }

    void join(long timeoutMs) {
        Thread t = thread;
        if (t == null) {
            return;
        }
        try {
            t.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private PublishAuthorizer publishAuthorizer() {
        PublishAuthorizer authorizer = engine.service(PublishAuthorizer.class);
        return authorizer == null ? PublishAuthorizer.OPEN : authorizer;
    }
}
