package io.ringcast.web;

import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.config.ConfigSection;

/**
 * The {@code [http]} section: where the embedded server listens and how many fan-out threads serve viewers.
 * Immutable; read once at startup by the thread that starts the server.
 *
 * @param address       listen address, default {@code 0.0.0.0}
 * @param port          listen port, 0 for any free port; default 8080
 * @param fanoutThreads egress worker threads, default the number of available processors
 * @param maxHeaderBytes        largest request head accepted (request line and headers); larger: 400, closed,
 *                              counted
 * @param requestParseTimeoutMs a client must send its whole request head within this (slowloris)
 * @param idleTimeoutMs         a connection without a request in progress is closed after this
 * @param maxConnections        HTTP connections at once; more are answered 503 with the reason and closed
 * @param maxConnectionsPerIp   HTTP connections one remote address may hold at once, 0 for no cap (the default: a
 *                              venue's audience may share one NAT address); more are answered 429 and closed
 * @param newConnectionsPerIpPerSecond new HTTP connections one remote address may open per second, sustained, 0 for
 *                              no limit; more are answered 429 with Retry-After and closed
 * @param newConnectionsPerIpBurst     new HTTP connections one remote address may open at once after a pause
 * @param sendBufferBytes       socket send buffer of each connection, 0 for the kernel's autotuning: bounds what a
 *                              viewer that stopped reading hides in the kernel before the server sees it lag
 * @param writeTimeoutMs        a connection whose response makes no write progress for this long (the client
 *                              reads nothing) is closed and counted, so a stalled client holds only its own
 *                              connection, never a thread for longer than this
 */
public record HttpConfig(String address, int port, int fanoutThreads, int maxHeaderBytes, int requestParseTimeoutMs,
                         int idleTimeoutMs, int maxConnections, int maxConnectionsPerIp,
                         int newConnectionsPerIpPerSecond, int newConnectionsPerIpBurst, int sendBufferBytes,
                         int writeTimeoutMs) {
    public static final String SECTION = "http";
    public static final String DEFAULT_ADDRESS = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    public static final int MAX_PORT = 65_535;
    public static final int MAX_FANOUT_THREADS = 256;
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final int DEFAULT_REQUEST_PARSE_TIMEOUT_MS = 5_000;
    public static final int DEFAULT_IDLE_TIMEOUT_MS = 30_000;
    public static final int DEFAULT_MAX_CONNECTIONS = 20_000;
    /**
     * No cap on open connections per address: a venue behind one NAT holds one per viewer, and a cap low enough to
     * matter against one client (17 stalled downloads were enough) would cap the venue too. The rate below and
     * {@code max_connections} protect the server instead.
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 0;
    /**
     * Measured on a 2-core machine: the server sets up and tears down about 1,000 HTTP-FLV viewers a second (two
     * loops of connect, GET, close); one address is held to a tenth of that, sustained.
     */
    public static final int DEFAULT_NEW_CONNECTIONS_PER_IP_PER_SECOND = 100;
    /** A whole audience of 1,000 behind one NAT may (re)join at once, e.g. after the publisher reconnects. */
    public static final int DEFAULT_NEW_CONNECTIONS_PER_IP_BURST = 1_000;
    /** 0.8 s of a 2.5 Mbit/s stream; still 2 Gbit/s per connection at a LAN's 1 ms round trip. */
    public static final int DEFAULT_SEND_BUFFER_BYTES = 256 * 1024;
    /**
     * A client that takes no byte for 10 s is gone or hostile: far longer than any stall of a live network (a
     * player on mobile data resumes within seconds), short enough that stalled downloads cannot pile up.
     */
    public static final int DEFAULT_WRITE_TIMEOUT_MS = 10_000;

    public HttpConfig {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("http address must not be empty");
        }
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("http port must be 0.." + MAX_PORT + ": " + port);
        }
        if (maxConnectionsPerIp < 0 || newConnectionsPerIpPerSecond < 0 || newConnectionsPerIpBurst < 1) {
            throw new IllegalArgumentException("per-address limits: max_connections_per_ip and"
                    + " new_connections_per_ip_per_second must be 0 or more, new_connections_per_ip_burst 1 or more: "
                    + maxConnectionsPerIp + ", " + newConnectionsPerIpPerSecond + ", " + newConnectionsPerIpBurst);
        }
        if (fanoutThreads < 1 || fanoutThreads > MAX_FANOUT_THREADS) {
            throw new IllegalArgumentException("fanout_threads must be 1.." + MAX_FANOUT_THREADS + ": "
                    + fanoutThreads);
        }
        if (writeTimeoutMs <= 0) {
            throw new IllegalArgumentException("write_timeout_ms must be positive: " + writeTimeoutMs);
        }
    }

    /** Reads {@code [http]}; wrong types and ranges fail naming the file, line and key. */
    public static HttpConfig read(ConfigFile file) {
        ConfigSection s = file.section(SECTION);
        int processors = Math.min(Runtime.getRuntime().availableProcessors(), MAX_FANOUT_THREADS);
        String address = s.getString("address", DEFAULT_ADDRESS);
        if (address.isBlank()) {
            throw s.error("address", "must not be empty");
        }
        return new HttpConfig(address,
                s.getInt("port", DEFAULT_PORT, 0, MAX_PORT),
                s.getInt("fanout_threads", processors, 1, MAX_FANOUT_THREADS),
                s.getInt("max_header_bytes", DEFAULT_MAX_HEADER_BYTES, 1_024, 1 << 20),
                s.getInt("request_parse_timeout_ms", DEFAULT_REQUEST_PARSE_TIMEOUT_MS, 100, 600_000),
                s.getInt("idle_timeout_ms", DEFAULT_IDLE_TIMEOUT_MS, 100, 3_600_000),
                s.getInt("max_connections", DEFAULT_MAX_CONNECTIONS, 1, 1_000_000),
                s.getInt("max_connections_per_ip", DEFAULT_MAX_CONNECTIONS_PER_IP, 0, 1_000_000),
                s.getInt("new_connections_per_ip_per_second", DEFAULT_NEW_CONNECTIONS_PER_IP_PER_SECOND, 0,
                        1_000_000),
                s.getInt("new_connections_per_ip_burst", DEFAULT_NEW_CONNECTIONS_PER_IP_BURST, 1, 1_000_000),
                s.getInt("send_buffer_bytes", DEFAULT_SEND_BUFFER_BYTES, 0, 64 << 20),
                s.getInt("write_timeout_ms", DEFAULT_WRITE_TIMEOUT_MS, 100, 3_600_000));
    }

    /** This configuration listening on another port (a command-line override). */
    public HttpConfig withPort(int newPort) {
        return new HttpConfig(address, newPort, fanoutThreads, maxHeaderBytes, requestParseTimeoutMs, idleTimeoutMs,
                maxConnections, maxConnectionsPerIp, newConnectionsPerIpPerSecond, newConnectionsPerIpBurst,
                sendBufferBytes, writeTimeoutMs);
    }
}
