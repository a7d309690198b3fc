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
 */
public record HttpConfig(String address, int port, int fanoutThreads) {
    public static final String SECTION = "http";
    public static final String DEFAULT_ADDRESS = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    public static final int MAX_PORT = 65_535;
    public static final int MAX_FANOUT_THREADS = 256;

    public HttpConfig {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("http address must not be empty");
        }
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("http port must be 0.." + MAX_PORT + ": " + port);
        }
        if (fanoutThreads < 1 || fanoutThreads > MAX_FANOUT_THREADS) {
            throw new IllegalArgumentException("fanout_threads must be 1.." + MAX_FANOUT_THREADS + ": "
                    + fanoutThreads);
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
                s.getInt("fanout_threads", processors, 1, MAX_FANOUT_THREADS));
    }

    /** This configuration listening on another port (a command-line override). */
    public HttpConfig withPort(int newPort) {
        return new HttpConfig(address, newPort, fanoutThreads);
    }
}
