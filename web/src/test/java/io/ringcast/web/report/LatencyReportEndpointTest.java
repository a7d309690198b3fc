package io.ringcast.web.report;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.ops.report.CsvReport;
import io.ringcast.ops.report.LatencyLogFiles;
import io.ringcast.web.RingcastServer;
import io.ringcast.web.testing.FlvStreamReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /ops/latency} and {@code /ops/latency.csv} of a real server: ffmpeg publishes over RTMP, an HTTP-FLV
 * viewer reads, and the report shows the viewer's stream with the same numbers in HTML and CSV; plus the refusals
 * (logging off, bad range, protected stats).
 */
@Timeout(90)
class LatencyReportEndpointTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-ringcast-test";
    private static final Pattern HTML_ROW = Pattern.compile(
            "<tr><td>live/report</td><td>httpflv</td><td>(\\d+)</td><td>(\\d+)</td><td>([\\d.]+)</td><td>([\\d.]+)"
                    + "</td><td>([\\d.]+)</td><td>([\\d.]+)</td><td>([\\d.]+)</td></tr>");

    @TempDir
    Path dir;
    private RingcastServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private record Answer(int status, String contentType, String body) {
    }

    private Answer get(String pathAndQuery, String bearer) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.httpPort() + pathAndQuery)
                .toURL().openConnection();
        if (bearer != null) {
            c.setRequestProperty("Authorization", "Bearer " + bearer);
        }
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            return new Answer(status, c.getContentType(), in == null ? "" : new String(in.readAllBytes(),
                    StandardCharsets.UTF_8));
        }
    }

    private void start(String extraConfig) {
        server = RingcastServer.start(TestConfig.loopback().toml("""
                [hls]
                enable = false
                [latency_log]
                enable = true
                directory = "%s"
                interval_s = 1
                """.formatted(dir.toString().replace("\\", "\\\\"))).toml(extraConfig).configFile(),
                OptionalInt.empty());
    }

    @Test
    void shouldReportTheViewersStreamWithTheSameNumbersInHtmlAndCsv() throws Exception {
        Ffmpeg.assumeInstalled();
        start("");
        String rtmp = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/report";
        int tags = 0;
        try (Ffmpeg.FfmpegProcess publisher = Ffmpeg.start(Ffmpeg.publishArgs(rtmp, "320x240", 30, 20), "pub")) {
            Await.until("the stream is live", Duration.ofSeconds(20),
                    () -> server.engine().streams().find(StreamPath.parse("live/report"))
                            != null, publisher::output);
            HttpURLConnection viewer = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.httpPort()
                    + "/live/report.flv").toURL().openConnection();
            assertEquals(200, viewer.getResponseCode());
            try (InputStream in = viewer.getInputStream()) {
                FlvStreamReader flv = new FlvStreamReader(in);
                flv.readHeader();
                // About three seconds of 30 fps video plus audio, and at least one interval in the day's file.
                while (tags < 150 || !logged("live/report/httpflv")) {
                    flv.next();
                    tags++;
                    assertTrue(tags < 5_000, "no httpflv interval logged after " + tags + " tags");
                }
            }
            viewer.disconnect();
        }

        // The viewer is gone: nothing adds to live/report/httpflv any more, so both requests see the same sums,
        // whether from the files or from the window not written yet.
        Answer csv = get("/ops/latency.csv", null);
        Answer html = get("/ops/latency?from=-1h&to=now", null);

        assertEquals(200, csv.status(), csv.body());
        assertEquals("text/csv;charset=utf-8", csv.contentType().replace(" ", "").toLowerCase(Locale.ROOT));
        assertEquals(200, html.status(), html.body());
        assertEquals("text/html;charset=utf-8", html.contentType().replace(" ", "").toLowerCase(Locale.ROOT));
        List<String> lines = csv.body().lines().toList();
        assertEquals(CsvReport.HEADER, lines.get(0));
        String[] row = lines.stream().filter(l -> l.startsWith("live/report,httpflv,")).findFirst()
                .orElseThrow(() -> new AssertionError("no httpflv row: " + csv.body())).split(",");
        long count = Long.parseLong(row[3]);
        assertTrue(count >= 100, "frames written to the viewer: " + count + " (read " + tags + " tags)");
        assertTrue(Double.parseDouble(row[4]) > 0 && Double.parseDouble(row[4]) <= Double.parseDouble(row[8]),
                Arrays.toString(row));
        Matcher m = HTML_ROW.matcher(html.body());
        assertTrue(m.find(), "html row for live/report httpflv");
        for (int i = 1; i <= 7; i++) {
            assertEquals(row[i + 1], m.group(i), "column " + (i + 1) + " of " + Arrays.toString(row));
        }
        assertTrue(html.body().contains("<svg "), "charts");
        assertTrue(html.body().contains("the current 1 s window (not logged yet)"), "sources named");
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("live/report,rtmp,")),
                "no RTMP viewer, no rtmp row: " + csv.body());
    }

    @Test
    void shouldSayHowToTurnLoggingOnWhenItIsOff() throws IOException {
        start("");
        server.close();
        server = RingcastServer.start(TestConfig.loopback().set("rtmp", "enable", false).configFile(),
                OptionalInt.empty());

        Answer html = get("/ops/latency", null);
        Answer csv = get("/ops/latency.csv", null);

        assertEquals(409, html.status());
        assertTrue(html.body().contains("[latency_log] enable = true"), html.body());
        assertEquals(409, csv.status());
    }

    @Test
    void shouldRefuseBadRangesWithTheReason() throws IOException {
        start("");

        Answer garbage = get("/ops/latency?from=yesterday", null);
        assertEquals(400, garbage.status());
        assertTrue(garbage.body().startsWith("from: not a time"), garbage.body());
        Answer backwards = get("/ops/latency.csv?from=2024-03-01T12:00:00Z&to=2024-03-01T11:00:00Z", null);
        assertEquals(400, backwards.status());
        assertTrue(backwards.body().contains("from must be before to"), backwards.body());
        Answer tooLong = get("/ops/latency?from=-25h", null);
        assertEquals(400, tooLong.status());
        assertTrue(tooLong.body().contains("longer than 24 hours"), tooLong.body());

        Answer empty = get("/ops/latency.csv?from=2020-01-01&to=2020-01-01T01:00", null);
        assertEquals(200, empty.status());
        assertEquals(CsvReport.HEADER + "\r\n", empty.body(), "a range without logs is an empty table");
    }

    @Test
    void shouldNeedTheAdminJwtWhenStatsAreProtected() throws Exception {
        start("""
                [control]
                jwt_secret = "%s"
                protect_stats = true
                """.formatted(SECRET));

        assertEquals(401, get("/ops/latency", null).status());
        assertEquals(401, get("/ops/latency.csv", null).status());
        assertEquals(403, get("/ops/latency", token(SECRET.replace('0', '1'))).status());
        Answer allowed = get("/ops/latency.csv", token(SECRET));
        assertEquals(200, allowed.status(), allowed.body());
    }

    @Test
    void shouldHaveNoEndpointWhenTheStatsPluginIsOff() throws IOException {
        start("""
                [stats]
                enable = false
                """);

        assertEquals(404, get("/ops/latency", null).status());
        assertEquals(404, get("/api/streams", null).status());
    }

    private static String token(String secret) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("admin")
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    /** Whether a log file in the directory has an interval of {@code tag} yet. */
    private boolean logged(String tag) throws IOException {
        for (Path file : LatencyLogFiles.list(dir)) {
            if (Files.readString(file, StandardCharsets.US_ASCII).contains("Tag=" + tag + ",")) {
                return true;
            }
        }
        return false;
    }
}
