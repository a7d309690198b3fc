package io.ringcast.web.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.web.RingcastServer;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole server for a test: RTMP and HTTP bound to 127.0.0.1 on free ports, plus the test's own configuration,
 * and its stats read back over HTTP. Created and closed by the test thread (close it in teardown).
 *
 * <p>The test's TOML may have {@code [rtmp]} and {@code [http]} sections of its own; the loopback address and port 0
 * go at the top of them, and the sections are added when it has none.
 */
public final class LoopbackServer implements AutoCloseable {
    private static final String[] LISTENER_SECTIONS = {"rtmp", "http"};
    private static final String LOOPBACK_KEYS = "address = \"127.0.0.1\"\nport = 0\n";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RingcastServer server;

    private LoopbackServer(RingcastServer server) {
        this.server = server;
    }

    /** Starts the server with {@code toml} (may be empty) on loopback. */
    public static LoopbackServer start(String toml) {
        return new LoopbackServer(RingcastServer.start(ConfigFile.parse(onLoopback(toml), "loopback-test.toml"),
                OptionalInt.empty()));
    }

    /** The configuration with every listener on 127.0.0.1, port 0. */
    static String onLoopback(String toml) {
        String config = toml;
        for (String section : LISTENER_SECTIONS) {
            Matcher header = Pattern.compile("(?m)^\\[" + section + "\\][ \\t]*(#.*)?$").matcher(config);
            if (header.find()) {
                config = config.substring(0, header.end()) + "\n" + LOOPBACK_KEYS
                        + config.substring(header.end()).replaceFirst("^\\R", "");
            } else {
                config = config + "\n[" + section + "]\n" + LOOPBACK_KEYS;
            }
        }
        return config;
    }

    public RingcastServer server() {
        return server;
    }

    public Engine engine() {
        return server.engine();
    }

    public int httpPort() {
        return server.httpPort();
    }

    public int rtmpPort() {
        return server.pluginPort("rtmp");
    }

    /** {@code GET /api/server}. */
    public JsonNode serverStats() throws IOException {
        return getJson("/api/server");
    }

    /** A named counter of {@code GET /api/server} ("rtmp.closed.idle_timeout"), 0 while it was never counted. */
    public long counter(String name) throws IOException {
        JsonNode value = serverStats().path("counters").get(name);
        return value == null ? 0 : value.asLong();
    }

    /** Waits until {@link #counter} reaches {@code expected} (counted after the connection closed). */
    public void awaitCounter(String name, long expected, Duration timeout) {
        Await.until(name + " = " + expected, timeout, () -> uncheckedCounter(name) >= expected,
                () -> "counters: " + uncheckedStats("/api/server").path("counters"));
    }

    /** {@code GET /api/streams/{path}}, or null when the stream is unknown (404). */
    public JsonNode streamStats(String path) throws IOException {
        HttpURLConnection c = Http.open(httpPort(), "GET", "/api/streams/" + path);
        if (c.getResponseCode() == HttpURLConnection.HTTP_NOT_FOUND) {
            Http.body(c);
            return null;
        }
        return JSON.readTree(Http.body(c));
    }

    private JsonNode getJson(String path) throws IOException {
        HttpURLConnection c = Http.open(httpPort(), "GET", path);
        int status = c.getResponseCode();
        String body = Http.body(c);
        if (status != HttpURLConnection.HTTP_OK) {
            throw new IOException("GET " + path + " answered " + status + ": " + body);
        }
        return JSON.readTree(body);
    }

    private long uncheckedCounter(String name) {
        try {
            return counter(name);
        } catch (IOException e) {
            throw new AssertionError("GET /api/server failed", e);
        }
    }

    private JsonNode uncheckedStats(String path) {
        try {
            return getJson(path);
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed", e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
