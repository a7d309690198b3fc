package io.ringcast.web.war;

import io.ringcast.ingest.testing.Ffmpeg;
import io.ringcast.web.testing.Await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAR in a real container, end to end: deploy, publish with ffmpeg over RTMP, decode HTTP-FLV and HLS through
 * the container's connector under the context path, check stats and the player page with its libraries, undeploy,
 * and find the RTMP port free and no ringcast thread left. One test thread.
 */
final class WarDeploymentScenario {
    static final String CONTEXT = "ringcast";
    private static final int FPS = 30;
    private static final double PUBLISH_SECONDS = 60;
    private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PORT_FREE_TIMEOUT = Duration.ofSeconds(5);
    /** Thread names the engine, the RTMP plugin and the HLS plugin give their threads. */
    private static final Pattern RINGCAST_THREAD = Pattern.compile("^(ringcast-|rtmp-).*");
    private static final Pattern SCRIPT_SRC = Pattern.compile("<script src=\"([^\"]+)\"");

    private final ContainerProcess container;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Ffmpeg.FfmpegProcess> processes = new ArrayList<>();
    private final int rtmpPort;
    private final Path config;

    WarDeploymentScenario(ContainerProcess container) throws IOException {
        this.container = container;
        this.rtmpPort = ContainerProcess.freeLoopbackPort();
        this.config = container.base.resolve("ringcast.toml");
        // [http] is the embedded server's: a container accepts the section and listens where its connector says.
        Files.writeString(config, """
                [rtmp]
                address = "127.0.0.1"
                port = 1
                [hls]
                segment_duration_ms = 1000
                [http]
                address = "192.0.2.1"
                port = 9
                fanout_threads = 2
                [latency_log]
                enable = true
                directory = "%s"
                interval_s = 1
                """.formatted(container.base.resolve("latency-logs").toString().replace("\\", "\\\\")));
    }

    static Path war() {
        return Path.of(System.getProperty("ringcast.war", "target/ringcast.war"));
    }

    void run() throws Exception {
        assertTrue(Files.isRegularFile(war()), "the WAR is built before the container tests: " + war());
        // [rtmp] port = 1 in the file: the system property must override it.
        container.start(List.of("-Dringcast.config=" + config, "-Dringcast.rtmp.port=" + rtmpPort));
        try {
            awaitStatus("/", code -> code > 0, "the container answers HTTP");
            container.deploy(war(), CONTEXT);
            awaitStatus("/" + CONTEXT + "/api/streams", code -> code == 200, "the WAR is deployed");

            String rtmp = "rtmp://127.0.0.1:" + rtmpPort + "/live/x";
            processes.add(Ffmpeg.start(Ffmpeg.publishArgs(rtmp, "640x360", FPS, PUBLISH_SECONDS), "war-publish"));
            Await.until("stats list live/x", DEPLOY_TIMEOUT, () -> get("/api/streams").body().contains("\"live/x\""),
                    this::diagnostics);

            assertDecodes(url("/live/x.flv"), "HTTP-FLV");
            awaitStatus("/" + CONTEXT + "/live/x.m3u8", code -> code == 200, "the HLS playlist");
            assertDecodes(url("/live/x.m3u8"), "HLS");
            assertPlayerPage();
            assertLatencyReport();
        } finally {
            for (Ffmpeg.FfmpegProcess p : processes) {
                p.close();
            }
        }

        container.undeploy(CONTEXT);
        awaitStatus("/" + CONTEXT + "/api/streams", code -> code == 404, "the WAR is undeployed");
        assertRtmpPortFree();
        List<String> left = container.threadNames().stream().filter(n -> RINGCAST_THREAD.matcher(n).matches())
                .toList();
        assertEquals(List.of(), left, "no ringcast thread survives undeploy in " + container.name());
        assertTrue(container.isAlive(), "the container still runs after undeploy");
    }

    private void assertDecodes(String url, String what) throws Exception {
        Ffmpeg.Probe probe = Ffmpeg.probe(url, 60);
        assertEquals(0, probe.exitCode(), what + " ffprobe: " + probe.output());
        assertEquals("h264", probe.get("video", "codec_name"), what + ": " + probe.output());
        assertEquals("aac", probe.get("audio", "codec_name"), what + ": " + probe.output());
        assertEquals("640", probe.get("video", "width"), what + ": " + probe.output());

        Ffmpeg.FfmpegProcess decode = Ffmpeg.start(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error",
                "-i", url, "-t", "5", "-f", "null", "-"), "war-decode");
        processes.add(decode);
        assertEquals(0, decode.await(60), what + " decode: " + decode.output());
        assertEquals("", decode.output().strip(), what + ": ffmpeg reports no decoding error");
    }

    /** The HTTP-FLV decodes above were viewers: their stream's row is in the report, in CSV and HTML. */
    private void assertLatencyReport() {
        HttpResponse<String> csv = get("/ops/latency.csv");
        assertEquals(200, csv.statusCode(), csv.body());
        assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        String row = csv.body().lines().filter(l -> l.startsWith("live/x,httpflv,")).findFirst()
                .orElseThrow(() -> new AssertionError("no live/x httpflv row: " + csv.body()));
        assertTrue(Long.parseLong(row.split(",")[3]) > 0, row);
        HttpResponse<String> html = get("/ops/latency?from=-1h");
        assertEquals(200, html.statusCode(), html.body());
        assertTrue(html.body().contains("<tr><td>live/x</td><td>httpflv</td>"), "html row");
    }

    private void assertPlayerPage() {
        HttpResponse<String> page = get("/play/live/x");
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        List<String> scripts = new ArrayList<>();
        Matcher m = SCRIPT_SRC.matcher(page.body());
        while (m.find()) {
            scripts.add(m.group(1));
        }
        assertTrue(scripts.stream().anyMatch(s -> s.contains("webjars/")), "a player library: " + scripts);
        URI pageUri = URI.create(url("/play/live/x"));
        for (String src : scripts) {
            URI script = pageUri.resolve(src);
            HttpResponse<String> library = send(script);
            assertEquals(200, library.statusCode(), script + " from the jar's META-INF/resources");
            assertTrue(library.body().length() > 1_000, script + " is a script: " + library.body().length());
        }
    }

    private void assertRtmpPortFree() {
        Await.until("RTMP port " + rtmpPort + " free after undeploy", PORT_FREE_TIMEOUT, () -> {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), rtmpPort));
                return true;
            } catch (IOException e) {
                return false;
            }
        }, this::diagnostics);
        assertFalse(container.logs().isEmpty());
    }

    private String url(String path) {
        return "http://127.0.0.1:" + container.httpPort() + "/" + CONTEXT + path;
    }

    private HttpResponse<String> get(String path) {
        return send(URI.create(url(path)));
    }

    private HttpResponse<String> send(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(uri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitStatus(String path, java.util.function.IntPredicate wanted, String what) {
        URI uri = URI.create("http://127.0.0.1:" + container.httpPort() + path);
        Await.until(what + " (" + uri + ")", DEPLOY_TIMEOUT, () -> {
            assertTrue(container.isAlive(), () -> container.name() + " exited\n" + container.logs());
            try {
                return wanted.test(http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode());
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, this::diagnostics);
    }

    private String diagnostics() {
        return "\n" + container.logs();
    }
}
