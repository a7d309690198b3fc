package io.ringcast.ingest;

import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.ingest.chunk.PartialMessageBudget;

/**
 * Settings of the RTMP listener ({@code [rtmp]} section).
 *
 * @param enable             whether the RTMP listener runs
 * @param address            address to bind, e.g. "0.0.0.0" or "127.0.0.1"
 * @param port               TCP port; 0 picks a free one (tests)
 * @param maxMessageBytes    longest RTMP message accepted from a peer
 * @param maxChunkSizeBytes  largest chunk size a peer may set
 * @param outChunkSizeBytes  chunk size the server sends with (larger cuts chunking overhead)
 * @param handshakeTimeoutMs time a client has to complete the handshake
 * @param idleTimeoutMs      a connection that sends nothing for this long is closed
 * @param maxConnections     connections served at once; more are refused at accept
 * @param playerLoopThreads  shared I/O threads serving RTMP viewers after play (0 = one per CPU core)
 * @param maxConnectionsPerIp connections one remote address may hold; more are refused at accept
 * @param playSendBufferBytes socket send buffer of a connection once it plays, 0 for the kernel's autotuning: bounds
 *                            what a viewer that stopped reading hides in the kernel before the server sees it lag
 * @param stalePublisherMs    a new publish of a stream takes it over when its publisher has sent nothing for this
 *                            long (a connection that died without a close, while its encoder already reconnects);
 *                            0 refuses every second publisher
 * @param maxPartialMessageBytes server-wide budget for bytes held in partial (command, data, control) messages
 *                               beyond each connection's first 64 KiB; a connection that would pass it is closed
 * @param maxPartialMessageBytesPerConnection bytes one connection may hold in partial messages; more closes it
 */
public record RtmpConfig(boolean enable, String address, int port, int maxMessageBytes, int maxChunkSizeBytes,
                         int outChunkSizeBytes, long handshakeTimeoutMs, long idleTimeoutMs, int maxConnections,
                         int playerLoopThreads, int maxConnectionsPerIp, int playSendBufferBytes,
                         long stalePublisherMs, long maxPartialMessageBytes,
                         long maxPartialMessageBytesPerConnection) {
    /** System property that overrides the port (set by the launcher's --rtmp-port, or by operators in a WAR). */
    public static final String PORT_PROPERTY = "ringcast.rtmp.port";
    public static final int DEFAULT_PORT = 1935;
    private static final int MAX_RTMP_MESSAGE_BYTES = 0xFFFFFF;
    /** Player loop threads: 0 means one per CPU core. */
    public static final int PLAYER_LOOP_THREADS_PER_CORE = 0;
    private static final int MAX_PLAYER_LOOP_THREADS = 256;

    /**
     * As many as {@code max_connections}: a venue's players behind one NAT share its address, and a cap below the
     * total would refuse them; {@code max_connections} protects the server.
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 1_000;
    /** 0.8 s of a 2.5 Mbit/s stream; still 2 Gbit/s per viewer at a LAN's 1 ms round trip. */
    public static final int DEFAULT_PLAY_SEND_BUFFER_BYTES = 256 * 1024;
    /** A live encoder sends a frame every few tens of milliseconds; seconds of silence mean a dead connection. */
    public static final long DEFAULT_STALE_PUBLISHER_MS = 3_000;
    /**
     * Commands, metadata and control messages are kilobytes; media go to ring slots, not here. 1 MiB per
     * connection is far above any real client; 64 MiB for all of them bounds what a flood of peers can pin.
     */
    public static final long DEFAULT_MAX_PARTIAL_MESSAGE_BYTES_PER_CONNECTION = 1 << 20;
    public static final long DEFAULT_MAX_PARTIAL_MESSAGE_BYTES = 64 << 20;

    public static final RtmpConfig DEFAULTS = new RtmpConfig(true, "0.0.0.0", DEFAULT_PORT, 8 << 20, 1 << 24, 4096,
            5_000, 30_000, 1_000, PLAYER_LOOP_THREADS_PER_CORE, DEFAULT_MAX_CONNECTIONS_PER_IP,
            DEFAULT_PLAY_SEND_BUFFER_BYTES, DEFAULT_STALE_PUBLISHER_MS, DEFAULT_MAX_PARTIAL_MESSAGE_BYTES,
            DEFAULT_MAX_PARTIAL_MESSAGE_BYTES_PER_CONNECTION);

    public RtmpConfig {
        if (maxPartialMessageBytesPerConnection < PartialMessageBudget.UNSHARED_BYTES_PER_CONNECTION) {
            throw new IllegalArgumentException("max_partial_message_bytes_per_connection must be at least "
                    + PartialMessageBudget.UNSHARED_BYTES_PER_CONNECTION + ": " + maxPartialMessageBytesPerConnection);
        }
        if (maxPartialMessageBytes < maxPartialMessageBytesPerConnection) {
            throw new IllegalArgumentException("max_partial_message_bytes (" + maxPartialMessageBytes
                    + ") must be at least max_partial_message_bytes_per_connection ("
                    + maxPartialMessageBytesPerConnection + ")");
        }
        if (playSendBufferBytes < 0) {
            throw new IllegalArgumentException("play_send_buffer_bytes must not be negative: " + playSendBufferBytes);
        }
        if (stalePublisherMs < 0) {
            throw new IllegalArgumentException("stale_publisher_ms must not be negative: " + stalePublisherMs);
        }
        if (maxConnectionsPerIp < 1) {
            throw new IllegalArgumentException("max_connections_per_ip must be positive: " + maxConnectionsPerIp);
        }
        if (playerLoopThreads < 0 || playerLoopThreads > MAX_PLAYER_LOOP_THREADS) {
            throw new IllegalArgumentException("player_loop_threads must be 0.." + MAX_PLAYER_LOOP_THREADS + ": "
                    + playerLoopThreads);
        }
    }

    /** As the canonical constructor with the default budgets for partial messages. */
    public RtmpConfig(boolean enable, String address, int port, int maxMessageBytes, int maxChunkSizeBytes,
                      int outChunkSizeBytes, long handshakeTimeoutMs, long idleTimeoutMs, int maxConnections,
                      int playerLoopThreads, int maxConnectionsPerIp, int playSendBufferBytes,
                      long stalePublisherMs) {
        this(enable, address, port, maxMessageBytes, maxChunkSizeBytes, outChunkSizeBytes, handshakeTimeoutMs,
                idleTimeoutMs, maxConnections, playerLoopThreads, maxConnectionsPerIp, playSendBufferBytes,
                stalePublisherMs, DEFAULT_MAX_PARTIAL_MESSAGE_BYTES, DEFAULT_MAX_PARTIAL_MESSAGE_BYTES_PER_CONNECTION);
    }

    /** As the canonical constructor with the default per-address connection limit. */
    public RtmpConfig(boolean enable, String address, int port, int maxMessageBytes, int maxChunkSizeBytes,
                      int outChunkSizeBytes, long handshakeTimeoutMs, long idleTimeoutMs, int maxConnections,
                      int playerLoopThreads) {
        this(enable, address, port, maxMessageBytes, maxChunkSizeBytes, outChunkSizeBytes, handshakeTimeoutMs,
                idleTimeoutMs, maxConnections, playerLoopThreads, DEFAULT_MAX_CONNECTIONS_PER_IP,
                DEFAULT_PLAY_SEND_BUFFER_BYTES, DEFAULT_STALE_PUBLISHER_MS);
    }

    /** As the canonical constructor with one player loop thread per CPU core. */
    public RtmpConfig(boolean enable, String address, int port, int maxMessageBytes, int maxChunkSizeBytes,
                      int outChunkSizeBytes, long handshakeTimeoutMs, long idleTimeoutMs, int maxConnections) {
        this(enable, address, port, maxMessageBytes, maxChunkSizeBytes, outChunkSizeBytes, handshakeTimeoutMs,
                idleTimeoutMs, maxConnections, PLAYER_LOOP_THREADS_PER_CORE);
    }

    /** Player loop threads to start: the configured number, or one per available core for 0. */
    public int resolvedPlayerLoopThreads() {
        return playerLoopThreads == PLAYER_LOOP_THREADS_PER_CORE
                ? Math.min(MAX_PLAYER_LOOP_THREADS, Runtime.getRuntime().availableProcessors()) : playerLoopThreads;
    }

    /** Reads {@code [rtmp]}; the system property {@value #PORT_PROPERTY} overrides the port. */
    public static RtmpConfig from(ConfigSection s) {
        RtmpConfig d = DEFAULTS;
        int port = s.getInt("port", d.port(), 0, 65535);
        String override = System.getProperty(PORT_PROPERTY);
        if (override != null && !override.isBlank()) {
            try {
                port = Integer.parseInt(override.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(PORT_PROPERTY + " must be a port number: " + override);
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(PORT_PROPERTY + " must be 0..65535: " + port);
            }
        }
        return new RtmpConfig(
                s.getBoolean("enable", d.enable()),
                s.getString("address", d.address()),
                port,
                s.getInt("max_message_bytes", d.maxMessageBytes(), 1024, MAX_RTMP_MESSAGE_BYTES),
                s.getInt("max_chunk_size", d.maxChunkSizeBytes(), 128, Integer.MAX_VALUE),
                s.getInt("chunk_size", d.outChunkSizeBytes(), 128, 1 << 24),
                s.getLong("handshake_timeout_ms", d.handshakeTimeoutMs(), 100, 600_000),
                s.getLong("idle_timeout_ms", d.idleTimeoutMs(), 100, 3_600_000),
                s.getInt("max_connections", d.maxConnections(), 1, 1_000_000),
                s.getInt("player_loop_threads", d.playerLoopThreads(), 0, MAX_PLAYER_LOOP_THREADS),
                s.getInt("max_connections_per_ip", d.maxConnectionsPerIp(), 1, 1_000_000),
                s.getInt("play_send_buffer_bytes", d.playSendBufferBytes(), 0, 64 << 20),
                s.getLong("stale_publisher_ms", d.stalePublisherMs(), 0, 3_600_000),
                s.getLong("max_partial_message_bytes", d.maxPartialMessageBytes(),
                        PartialMessageBudget.UNSHARED_BYTES_PER_CONNECTION, 1L << 40),
                s.getLong("max_partial_message_bytes_per_connection", d.maxPartialMessageBytesPerConnection(),
                        PartialMessageBudget.UNSHARED_BYTES_PER_CONNECTION, 1L << 40));
    }
}
