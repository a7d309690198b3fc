package io.ringcast.web.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.TempFolders;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real Prometheus server as a child process on loopback, scraping one target every second with a bearer
 * token, its storage in a temporary folder; {@link #close()} kills it and removes the folder (also when the test
 * failed). Plus {@code promtool check metrics}. One test thread.
 */
public final class PrometheusServer implements AutoCloseable {
    public static final String PROMETHEUS = "/usr/bin/prometheus";
    public static final String PROMTOOL = "/usr/bin/promtool";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final Path folder;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, Path folder, int port) {
        this.process = process;
        this.folder = folder;
        this.port = port;
    }

    /** Skips the test (never passes it) without Debian's prometheus and promtool. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(new File(PROMETHEUS).canExecute() && new File(PROMTOOL).canExecute(),
                "prometheus/promtool not installed (apt-get install prometheus; .ci/run installs it)");
    }

    /**
     * Starts Prometheus scraping {@code http://target + metricsPath} every second, sending {@code bearer} (null:
     * none); returns once it is ready. A port taken between choosing and binding it is retried with another.
     */
    public static PrometheusServer start(String target, String metricsPath, String bearer) throws IOException {
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            Path folder = TempFolders.create("ringcast-prometheus");
            try {
                PrometheusServer started = startIn(folder, target, metricsPath, bearer);
                if (started != null) {
                    return started;
                }
                failure = new IllegalStateException("prometheus exited at start:\n" + Files.readString(
                        folder.resolve("prometheus.log")));
            } catch (RuntimeException | IOException e) {
                TempFolders.delete(folder);
                throw e;
            }
            TempFolders.delete(folder);
        }
        throw failure;
    }

    /** The started server, or null when the process exited before it was ready (its port was taken). */
    private static PrometheusServer startIn(Path folder, String target, String metricsPath, String bearer)
            throws IOException {
        int port = freeLoopbackPort();
        Path config = folder.resolve("prometheus.yml");
        String auth = bearer == null ? "" : """
                    authorization:
                      type: Bearer
                      credentials: "%s"
                """.formatted(bearer);
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: ringcast
                    metrics_path: "%s"
                %s    static_configs:
                      - targets: ["%s"]
                """.formatted(metricsPath, auth, target));
        Process process = new ProcessBuilder(List.of(PROMETHEUS, "--config.file=" + config,
                "--storage.tsdb.path=" + folder.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"))
                .redirectErrorStream(true).redirectOutput(folder.resolve("prometheus.log").toFile()).start();
        PrometheusServer server = new PrometheusServer(process, folder, port);
        try {
            Await.until("prometheus ready on port " + port, READY_TIMEOUT,
                    () -> !process.isAlive() || server.isReady(), server::logs);
        } catch (AssertionError | RuntimeException e) {
            server.close();
            throw e;
        }
        if (!process.isAlive()) {
            server.kill();
            return null;
        }
        return server;
    }

    private boolean isReady() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code GET /api/v1/query}: the instant query's {@code data.result} array (vector or scalar). */
    public JsonNode query(String promql) {
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(answer.body());
            if (answer.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
                throw new IllegalStateException("query " + promql + ": " + answer.statusCode() + " " + answer.body());
            }
            return body.get("data").get("result");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of a query that returns exactly one series, or NaN when it returns none. */
    public double value(String promql) {
        JsonNode result = query(promql);
        if (result.size() == 0) {
            return Double.NaN;
        }
        if (result.size() > 1) {
            throw new IllegalStateException(promql + " returned " + result.size() + " series: " + result);
        }
        return Double.parseDouble(result.get(0).get("value").get(1).asText());
    }

    /** Its log and what it says of its target (health, last error), for failure messages. */
    public String logs() {
        String targets;
        try {
            targets = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/targets"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            targets = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            targets = e.toString();
        }
        try {
            return "targets: " + targets + "\nlog:\n" + Files.readString(folder.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * {@code promtool check metrics} on an exposition: its output (problems, one per line; empty when it has none)
     * and exit code.
     */
    public static PromtoolResult checkMetrics(String exposition) throws IOException, InterruptedException {
        Process promtool = new ProcessBuilder(PROMTOOL, "check", "metrics").redirectErrorStream(true).start();
        try (var in = promtool.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!promtool.waitFor(30, TimeUnit.SECONDS)) {
            promtool.destroyForcibly();
            throw new IllegalStateException("promtool check metrics did not end");
        }
        return new PromtoolResult(output, promtool.exitValue());
    }

    /** What {@code promtool check metrics} said. */
    public record PromtoolResult(String output, int exitCode) {
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void kill() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
        TempFolders.delete(folder);
    }
}
