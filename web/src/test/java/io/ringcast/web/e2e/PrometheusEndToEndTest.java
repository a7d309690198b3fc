package io.ringcast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ringcast.broadcast.latency.LatencyBuckets;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.web.testing.LoopbackServer;
import io.ringcast.web.testing.PrometheusServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Prometheus (Debian's) scrapes ringcast's {@code /metrics} every second with a bearer token
 * ({@code protect_stats} on) while a real ffmpeg publishes and ffmpeg viewers play over HTTP-FLV and RTMP; its HTTP
 * API then answers the viewer count, the bytes received (while they grow: within a few seconds' worth) and the
 * latency histogram's count and quantiles as {@code /api/streams} has them, every panel query of
 * {@code ops/grafana/ringcast.json} returns at least one series, and {@code promtool check metrics} finds nothing to
 * say about a scrape.
 */
@Timeout(240)
class PrometheusEndToEndTest {
    private static final String SECRET = "prometheus-end-to-end-secret-0123456789";
    private static final int FPS = 25;
    private static final double PUBLISH_SECONDS = 25;
    private static final Duration AGREE_TIMEOUT = Duration.ofSeconds(60);
    private static final Path DASHBOARD = Path.of("..", "ops", "grafana", "ringcast.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = "app=\"live\",name=\"m\"";

    private LoopbackServer server;
    private PrometheusServer prometheus;
    private String token;
    private final List<Ffmpeg.FfmpegProcess> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        Ffmpeg.assumeInstalled();
        PrometheusServer.assumeInstalled();
        server = LoopbackServer.start("""
                [control]
                jwt_secret = "%s"
                protect_stats = true
                """.formatted(SECRET));
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .subject("prometheus").expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1)))).build());
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        token = jwt.serialize();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            for (Ffmpeg.FfmpegProcess p : processes) {
                p.close();
            }
            if (prometheus != null) {
                prometheus.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private HttpResponse<String> get(String path, String bearer, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort()
                + path)).timeout(Duration.ofSeconds(10));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Ffmpeg.FfmpegProcess run(List<String> command, String name) throws IOException {
        Ffmpeg.FfmpegProcess p = Ffmpeg.start(command, name);
        processes.add(p);
        return p;
    }

    private JsonNode streamStats() throws Exception {
        HttpResponse<String> answer = get("/api/streams/live/m", token, null);
        assertEquals(200, answer.statusCode(), answer.body());
        return JSON.readTree(answer.body());
    }

    @Test
    void shouldAgreeWithTheStatsApiThroughARealPrometheusAndFeedEveryDashboardPanel() throws Exception {
        assertEquals(401, get("/metrics", null, null).statusCode(), "protect_stats: no token, no metrics");
        HttpResponse<String> text = get("/metrics", token, null);
        assertEquals(200, text.statusCode(), text.body());
        assertTrue(text.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                text.headers().toString());
        HttpResponse<String> openMetrics = get("/metrics", token, "application/openmetrics-text; version=1.0.0");
        assertTrue(openMetrics.headers().firstValue("Content-Type").orElse("")
                .startsWith("application/openmetrics-text"), openMetrics.headers().toString());
        assertTrue(openMetrics.body().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");

        prometheus = PrometheusServer.start("127.0.0.1:" + server.httpPort(), "/metrics", token);
        String rtmp = "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/m";
        Ffmpeg.FfmpegProcess publisher = run(Ffmpeg.publishArgs(rtmp, "640x360", FPS, PUBLISH_SECONDS), "publish");
        Await.until("live/m publishing", Duration.ofSeconds(30),
                () -> server.engine().streams().find(io.ringcast.broadcast.stream.StreamPath.parse("live/m")) != null);
        String flvUrl = "http://127.0.0.1:" + server.httpPort() + "/live/m.flv";
        run(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error", "-i", flvUrl, "-f", "null", "-"),
                "flv-viewer");
        run(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error", "-i", rtmp, "-f", "null", "-"),
                "rtmp-viewer");

        // Ten scrapes with both viewers: enough samples for the dashboard's rate() windows.
        Await.until("prometheus sees both viewers in 10 scrapes and latency for both protocols", AGREE_TIMEOUT,
                () -> prometheus.query("count_over_time(ringcast_stream_viewers{" + STREAM + "}[1m]) >= 10").size() == 2
                        && prometheus.query("rate(ringcast_stream_latency_seconds_count{" + STREAM
                                + ",protocol=~\"httpflv|rtmp\"}[30s]) > 0").size() == 2,
                () -> prometheus.query("{__name__=~\"ringcast_stream_viewers|ringcast_stream_latency_seconds_count\"}")
                        + "\n" + prometheus.logs() + "\n" + processes.stream().map(Ffmpeg.FfmpegProcess::output)
                        .toList());
        assertEveryDashboardQueryReturnsASeries();
        assertPromtoolFindsNothing();
        assertBytesAgreeWhileLive();

        assertEquals(0, publisher.await(60), publisher.output());
        // The publisher is gone, the viewers wait for it: every counter stands still, so both sides must agree.
        Map<String, String> last = new TreeMap<>();
        Await.until("prometheus agrees with /api/streams", AGREE_TIMEOUT, () -> {
            try {
                last.clear();
                return agrees(last);
            } catch (Exception e) {
                last.put("error", e.toString());
                return false;
            }
        }, () -> last.toString());
        System.out.println("prometheus vs /api/streams: " + last);
        assertLatencyQuantilesInTheApisBuckets();
    }

    /** Viewers and latency counts per protocol, from both sides; true when equal. */
    private boolean agrees(Map<String, String> seen) throws Exception {
        JsonNode stats = streamStats();
        boolean equal = true;
        JsonNode byProtocol = stats.get("subscribers").get("byProtocol");
        for (String protocol : List.of("httpflv", "rtmp")) {
            double api = byProtocol.path(protocol).asDouble(-1);
            double prom = prometheus.value("ringcast_stream_viewers{" + STREAM + ",protocol=\"" + protocol + "\"}");
            seen.put("viewers " + protocol, api + " / " + prom);
            equal &= api == 1 && prom == api;
            double apiCount = stats.get("latency").get(protocol).get("count").asDouble();
            double promCount = prometheus.value("ringcast_stream_latency_seconds_count{" + STREAM + ",protocol=\""
                    + protocol + "\"}");
            seen.put("latency count " + protocol, apiCount + " / " + promCount);
            equal &= apiCount > 100 && promCount == apiCount;
        }
        return equal;
    }

    /**
     * While the publisher sends, bytes grow between a scrape and the API call that follows the query: Prometheus's
     * newest value is at most the API's, and behind it by at most a few seconds of the publisher's bitrate.
     */
    private void assertBytesAgreeWhileLive() throws Exception {
        for (String track : List.of("video", "audio")) {
            double prom = prometheus.value("ringcast_stream_received_bytes_total{" + STREAM + ",track=\"" + track
                    + "\"}");
            JsonNode api = streamStats().get("publisher").get(track);
            double apiBytes = api.get("bytes").asDouble();
            double bytesPerSecond = api.get("bitrateBps").asDouble() / 8;
            System.out.printf("bytes %s: prometheus %.0f, /api/streams %.0f (%.0f B/s)%n", track, prom, apiBytes,
                    bytesPerSecond);
            assertTrue(prom > 0 && bytesPerSecond > 0, track + ": " + prom + ", " + api);
            assertTrue(prom <= apiBytes && apiBytes - prom <= 5 * bytesPerSecond, track + ": prometheus " + prom
                    + " vs api " + apiBytes + " at " + bytesPerSecond + " B/s");
        }
    }

    /**
     * Prometheus interpolates within classic buckets, so its p50 and p99 lie in the bucket that holds the API's
     * (HdrHistogram's) value of the same quantile.
     */
    private void assertLatencyQuantilesInTheApisBuckets() throws Exception {
        JsonNode latency = streamStats().get("latency");
        for (String protocol : List.of("httpflv", "rtmp")) {
            for (double q : new double[] {0.5, 0.99}) {
                double apiSeconds = latency.get(protocol).get(q == 0.5 ? "p50Us" : "p99Us").asDouble() / 1e6;
                double promSeconds = prometheus.value("histogram_quantile(" + q
                        + ", ringcast_stream_latency_seconds_bucket{" + STREAM + ",protocol=\"" + protocol + "\"})");
                double low = 0;
                double high = Double.POSITIVE_INFINITY;
                for (int i = 0; i < LatencyBuckets.boundCount(); i++) {
                    double bound = LatencyBuckets.upperBoundNs(i) / 1e9;
                    if (apiSeconds <= bound) {
                        high = bound;
                        break;
                    }
                    low = bound;
                }
                System.out.printf("latency %s p%s: api %.6f s, prometheus %.6f s, bucket (%s, %s]%n", protocol,
                        q * 100, apiSeconds, promSeconds, low, high);
                // HdrHistogram's equivalent ranges may put a value right at a bound on the other side: 0.1 %.
                assertTrue(promSeconds >= low * 0.999 && promSeconds <= high * 1.001, protocol + " p" + q * 100
                        + ": prometheus " + promSeconds + " outside (" + low + ", " + high + "] of api "
                        + apiSeconds);
            }
        }
    }

    /** Every panel's every target of the dashboard, as Grafana would send it, returns at least one series. */
    private void assertEveryDashboardQueryReturnsASeries() throws IOException {
        JsonNode dashboard = JSON.readTree(Files.readString(DASHBOARD));
        List<String> empty = new ArrayList<>();
        int checked = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                String expr = target.get("expr").asText().replace("$__rate_interval", "30s");
                JsonNode result = prometheus.query(expr);
                checked++;
                System.out.printf("panel %-50s %2d series  %s%n", panel.get("title").asText(), result.size(), expr);
                if (result.size() == 0) {
                    empty.add(panel.get("title").asText() + ": " + expr);
                }
            }
        }
        assertTrue(checked >= 20, "the dashboard's queries: " + checked);
        assertEquals(List.of(), empty, "dashboard queries without a series");
    }

    /** A scrape in the text format that Prometheus uses too, checked by promtool: nothing to report. */
    private void assertPromtoolFindsNothing() throws Exception {
        HttpResponse<String> scrape = get("/metrics", token, null);
        assertTrue(scrape.body().contains("ringcast_stream_latency_seconds_bucket{"), scrape.body());
        PrometheusServer.PromtoolResult check = PrometheusServer.checkMetrics(scrape.body());
        assertEquals("", check.output(), "promtool check metrics");
        assertEquals(0, check.exitCode(), check.output());
    }
}
