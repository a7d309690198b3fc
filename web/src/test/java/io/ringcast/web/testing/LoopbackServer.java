package io.ringcast.web.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.TempFolders;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * The whole server for a test: RTMP and HTTP bound to 127.0.0.1 on free ports, plus the test's own configuration,
 * and its stats read back over HTTP. Created and closed by the test thread (close it in teardown).
 *
 * <p>The configuration comes from {@link TestConfig}: the test's keys of any section, merged, every listener on
 * 127.0.0.1 port 0, and nothing written into the working directory.
 */
public final class LoopbackServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RingcastServer server;
    private final Path data;

    private LoopbackServer(RingcastServer server, Path data) {
        this.server = server;
        this.data = data;
    }

    /** Starts the server with {@code toml} (may be empty; its tables are merged into {@link TestConfig#loopback}). */
    public static LoopbackServer start(String toml) {
        return start(TestConfig.loopback().toml(toml));
    }

    /**
     * Starts the server with {@code config}; what it writes by default relative to its working directory (recordings,
     * latency logs, stream keys) goes to a temporary folder of its own unless the test named it, removed on close.
     */
    public static LoopbackServer start(TestConfig config) {
        Path data = TempFolders.create("ringcast-loopback");
        try {
            return new LoopbackServer(RingcastServer.start(config.dataIn(data).configFile(), OptionalInt.empty()),
                    data);
        } catch (RuntimeException e) {
            TempFolders.delete(data);
            throw e;
        }
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
        try {
            server.close();
        } finally {
            TempFolders.delete(data);
        }
    }
}
