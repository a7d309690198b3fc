package io.ringcast.web.report;

import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.web.testing.FlvStreamReader;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.SyntheticStream;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole server with {@code [latency_log]} on: an HTTP-FLV viewer's latencies reach the day's log file. */
@Timeout(60)
class LatencyLogEndToEndTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private RingcastServer server;
    private SyntheticStream stream;

    /** Total count logged under {@code tag} in every file of the directory so far. */
    private long loggedCount(String tag) throws IOException {
        long count = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".hlog")).toList()) {
                try (HistogramLogReader reader = new HistogramLogReader(file.toFile())) {
                    for (EncodableHistogram h = reader.nextIntervalHistogram(); h != null;
                         h = reader.nextIntervalHistogram()) {
                        if (tag.equals(h.getTag())) {
                            count += ((org.HdrHistogram.Histogram) h).getTotalCount();
                        }
                    }
                }
            }
        }
        return count;
    }

    @Test
    void shouldLogTheHttpFlvViewersLatencyUnderItsStreamAndProtocolTag() throws Exception {
        server = cleanup.add(RingcastServer.start(TestConfig.loopback().toml("""
                [rtmp]
                enable = false
                [latency_log]
                enable = true
                directory = "%s"
                interval_s = 1
                """.formatted(dir.toString().replace("\\", "\\\\"))).configFile(), OptionalInt.empty()));
        stream = cleanup.add(new SyntheticStream(server.engine(), "live/logged"));
        stream.video(SyntheticStream.videoFrame(0, true, 2_000), true, 0);

        HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/logged.flv");
        assertEquals(200, c.getResponseCode());
        try (InputStream in = c.getInputStream()) {
            FlvStreamReader flv = new FlvStreamReader(in);
            flv.readHeader();
            int[] frame = {1};
            Await.until("the httpflv tag logged with counts", Duration.ofSeconds(20), () -> {
                try {
                    for (int i = 0; i < 10; i++, frame[0]++) {
                        stream.video(SyntheticStream.videoFrame(frame[0], false, 1_000), false, frame[0] * 40L);
                    }
                    for (int read = 0; read < 10; read++) {
                        flv.next();
                    }
                    return loggedCount("live/logged/httpflv") > 0;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        server.close();
        long logged = loggedCount("live/logged/httpflv");
        assertTrue(logged > 0, "logged " + logged);
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.allMatch(f -> f.getFileName().toString().matches("latency-\\d{4}-\\d{2}-\\d{2}\\.hlog")),
                    "only daily files");
        }
    }
}
