package io.ringcast.ingest.server;

import io.ringcast.broadcast.Engine;
import io.ringcast.ingest.RtmpConfig;
import io.ringcast.ingest.chunk.PartialMessageBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The RTMP listener: an acceptor thread that gives every connection its own ingest thread
 * ({@link RtmpConnection}) until it plays; players are then served by a few shared {@link PlayerLoop} threads
 * while fan-out workers write their media. Refuses connections over the configured maximum (publishers, players
 * and connections still negotiating together), and over the maximum per remote address, telling each client why
 * at its connect. Bytes held in partial messages are bounded per connection and for all of them together (one
 * {@link PartialMessageBudget}). When accepting fails (no file descriptor left) the acceptor pauses, see
 * {@link AcceptBackoff}. Thread-safe start/close.
 */
public final class RtmpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpServer.class);
    private static final long JOIN_TIMEOUT_MS = 2_000;
    /**
     * Refused connections told why at once (each a thread for at most a handshake timeout); past these, a flood
     * is closed at accept without a word, so refusing never costs more than this.
     */
    static final int MAX_REFUSING = 32;

    private final RtmpConfig config;
    private final Engine engine;
    private final Set<RtmpConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<RtmpConnection> refusing = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionIds = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    /** Every accepted channel and its peer; closed ones are purged at the next accept (no close hook needed). */
    private final Map<SocketChannel, InetAddress> openChannels = new ConcurrentHashMap<>();
    private final PartialMessageBudget partialMessageBudget;
    private RtmpPlayerLoops players;
    private ServerSocketChannel listener;
    private Thread acceptor;
    private volatile boolean running;

    public RtmpServer(RtmpConfig config, Engine engine) {
        this.config = config;
        this.engine = engine;
        this.partialMessageBudget = new PartialMessageBudget(config.maxPartialMessageBytes());
    }

    /** Binds and starts accepting; throws if the port cannot be bound. */
    public void start() throws IOException {
        RtmpCounters.ALL.forEach(engine.counters()::counter);
        warnIfPartialMessagesMayFillTheHeap();
        players = new RtmpPlayerLoops(config.resolvedPlayerLoopThreads(), config.maxConnections(), engine.clock(),
                engine.counters());
        players.start();
        listener = ServerSocketChannel.open();
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.bind(new InetSocketAddress(config.address(), config.port()), ListenBacklog.CONNECTIONS);
        running = true;
        acceptor = new Thread(this::acceptLoop, "rtmp-acceptor-" + localAddress().getPort());
        acceptor.setDaemon(true);
        acceptor.start();
        // Also loads what a failed accept needs: with no descriptor left, a class file could not be opened.
        LOG.info("RTMP listening on {} ({}; {})", localAddress(), FileDescriptors.describe(),
                FileDescriptors.limit());
    }

    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) listener.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * File descriptors the server may hold at its limits: one per connection (its socket: {@link ChannelIo} and
     * the {@link PlayerLoop}s wait without a selector per connection), including those being told they are
     * refused. The listener's and the player loops' own are open once started.
     */
    public static long maxFileDescriptors(RtmpConfig config) {
        return (long) config.maxConnections() + MAX_REFUSING;
    }

    /** Connections refused because the maximum was reached. */
    public long refusedConnections() {
        return refused.get();
    }

    /** Connections served now: negotiating, publishing and playing. */
    public int connectionCount() {
        return connections.size() + (players == null ? 0 : players.sessionCount());
    }

    /** Bytes held in partial messages, beyond each connection's unshared allowance, by every connection now. */
    public long partialMessageBytes() {
        return partialMessageBudget.reservedBytes();
    }

    private void warnIfPartialMessagesMayFillTheHeap() {
        long worstBytes = config.maxPartialMessageBytes()
                + (long) config.maxConnections() * PartialMessageBudget.UNSHARED_BYTES_PER_CONNECTION;
        long heapBytes = Runtime.getRuntime().maxMemory();
        if (worstBytes > heapBytes / 2) {
            LOG.warn("RTMP peers may hold up to {} MiB of partial messages ([rtmp] max_partial_message_bytes {} MiB "
                    + "+ max_connections {} x 64 KiB), more than half the heap ({} MiB); lower them or raise -Xmx",
                    worstBytes >> 20, config.maxPartialMessageBytes() >> 20, config.maxConnections(),
                    heapBytes >> 20);
        }
    }

    private void acceptLoop() {
        AcceptBackoff backoff = new AcceptBackoff(engine.clock());
        while (running) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (running) {
                    pauseAfterFailedAccept(backoff, e);
                }
                continue;
            }
            long failed = backoff.onAccepted();
            if (failed > 0) {
                LOG.info("RTMP accepting again after {} failed accepts", failed);
            }
            InetAddress address = remoteAddress(channel);
            if (address != null && connectionsFrom(address) >= config.maxConnectionsPerIp()) {
                engine.counters().counter(RtmpCounters.REFUSED_MAX_CONNECTIONS_PER_IP).incrementAndGet();
                LOG.warn("RTMP connection from {} refused: {} connections from one address is the maximum",
                        remote(channel), config.maxConnectionsPerIp());
                refuse(channel, "too many connections from your address: " + config.maxConnectionsPerIp()
                        + " at once is the maximum ([rtmp] max_connections_per_ip)");
                continue;
            }
            if (connectionCount() >= config.maxConnections()) {
                refused.incrementAndGet();
                engine.counters().counter(RtmpCounters.REFUSED_MAX_CONNECTIONS).incrementAndGet();
                LOG.warn("RTMP connection from {} refused: {} connections is the maximum", remote(channel),
                        config.maxConnections());
                refuse(channel, "server busy: " + config.maxConnections()
                        + " RTMP connections at once is its maximum ([rtmp] max_connections); retry later");
                continue;
            }
            if (address != null) {
                openChannels.put(channel, address);
            }
            RtmpConnection connection = new RtmpConnection(channel, config, engine, players, partialMessageBudget,
                    connections::remove);
            connections.add(connection);
            run(connection, "rtmp-", channel);
        }
    }

    /**
     * Pauses the acceptor after a failed accept instead of retrying at once: the connection that could not be
     * accepted is still pending, so the next accept would fail at once again. Counted and logged once per interval.
     */
    private void pauseAfterFailedAccept(AcceptBackoff backoff, IOException e) {
        boolean fdExhausted = AcceptBackoff.isFdExhausted(e);
        if (fdExhausted) {
            engine.counters().counter(RtmpCounters.REFUSED_FD_EXHAUSTED).incrementAndGet();
        }
        long pauseMs = backoff.onFailure();
        long failures = backoff.failuresToLog();
        if (failures > 0) {
            LOG.warn("RTMP accept failed {} time(s) in {} ms: {}; pausing accepts {} ms (at most {} ms) while it "
                    + "fails{}", failures, backoff.failingForMs(), e.getMessage(), pauseMs, AcceptBackoff.MAX_PAUSE_MS,
                    fdExhausted ? "; " + FileDescriptors.limit()
                            + " (raise the limit: ulimit -n, systemd LimitNOFILE; or lower max_connections)" : "");
        }
        LockSupport.parkNanos(pauseMs * 1_000_000); // close() unparks
    }

    /**
     * Tells a refused client why (handshake, then {@code _error NetConnection.Connect.Rejected} with the reason in
     * answer to its connect) on a thread of its own, while fewer than {@link #MAX_REFUSING} are being told; closes
     * it at once otherwise. Refused connections do not count as served.
     */
    private void refuse(SocketChannel channel, String reason) {
        if (refusing.size() >= MAX_REFUSING) {
            closeQuietly(channel);
            return;
        }
        RtmpConnection refusal = RtmpConnection.refusing(channel, config, engine, partialMessageBudget, reason,
                refusing::remove);
        refusing.add(refusal);
        run(refusal, "rtmp-refused-", channel);
    }

    private void run(RtmpConnection connection, String threadPrefix, SocketChannel channel) {
        Thread thread = new Thread(connection, threadPrefix + connectionIds.incrementAndGet() + "-" + remote(channel));
        thread.setDaemon(true);
        connection.bindThread(thread);
        thread.start();
    }

    /** Stops accepting, closes every connection and waits for their threads. */
    @Override
    public void close() {
        running = false;
        closeQuietly(listener);
        if (acceptor != null) {
            LockSupport.unpark(acceptor); // it may be pausing after a failed accept
            join(acceptor);
        }
        for (Set<RtmpConnection> each : List.of(connections, refusing)) {
            for (RtmpConnection c : each) {
                c.close("server shutting down");
            }
            for (RtmpConnection c : each) {
                c.join(JOIN_TIMEOUT_MS);
            }
            each.clear();
        }
        openChannels.clear();
        if (players != null) {
            players.close();
        }
    }

    private static void join(Thread t) {
        try {
            t.join(JOIN_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String remote(SocketChannel channel) {
        try {
            return String.valueOf(channel.getRemoteAddress());
        } catch (IOException e) {
            return "?";
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException ignored) {
            // closing: nothing left to do with it
        }
    }

    /** Open connections from {@code address}; runs on the acceptor thread only. */
    private int connectionsFrom(InetAddress address) {
        openChannels.keySet().removeIf(c -> !c.isOpen());
        int count = 0;
        for (InetAddress a : openChannels.values()) {
            if (a.equals(address)) {
                count++;
            }
        }
        return count;
    }

    private static InetAddress remoteAddress(SocketChannel channel) {
        try {
            return ((InetSocketAddress) channel.getRemoteAddress()).getAddress();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
