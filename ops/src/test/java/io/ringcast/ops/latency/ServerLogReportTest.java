package io.ringcast.ops.latency;

import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.ops.LatencyReport;
import io.ringcast.web.RingcastServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real server with {@code [latency_log]} on, one published stream and one HTTP-FLV viewer: the report made from
 * the log it wrote has the viewer's stream and protocol with frames counted. The test publishes straight into the
 * engine (no RTMP); the report reads only the files.
 */
@Timeout(60)
class ServerLogReportTest {
    /** FLV AVC sequence header body: keyframe + AVC, packet type 0, then a minimal configuration record. */
    private static final byte[] AVC_SEQUENCE_HEADER = {0x17, 0, 0, 0, 0, 0x01, 0x64, 0x00, 0x1f, (byte) 0xff,
            (byte) 0xe1, 0x00, 0x04, 0x67, 0x64, 0x00, 0x1f, 0x01, 0x00, 0x04, 0x68, (byte) 0xee, 0x3c, (byte) 0x80};
    private static final int AVC_HEADER_BYTES = 5;

    @TempDir
    Path dir;

    @Test
    void shouldReportTheHttpFlvViewersStreamFromTheServersLog() throws Exception {
        Path logs = dir.resolve("logs");
        RingcastServer server = RingcastServer.start(ConfigFile.parse("""
                [rtmp]
                enable = false
                [hls]
                enable = false
                [http]
                address = "127.0.0.1"
                port = 0
                [latency_log]
                enable = true
                directory = "%s"
                interval_s = 1
                """.formatted(logs.toString().replace("\\", "\\\\")), "ops-e2e.toml"), OptionalInt.empty());
        try {
            StreamPublisher publisher = server.engine().streams().publish(StreamPath.parse("live/report"),
                    new PublisherInfo("test", "127.0.0.1:1", System.currentTimeMillis()), false);
            publisher.updateFormat(new TrackFormat(Codec.AVC, AVC_SEQUENCE_HEADER, AVC_HEADER_BYTES, 640, 360, 0, 0));
            publish(publisher, AVC_SEQUENCE_HEADER, true, true, 0);
            publish(publisher, frame(0, true), true, false, 0);
            HttpURLConnection viewer = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.httpPort()
                    + "/live/report.flv").toURL().openConnection();
            assertEquals(200, viewer.getResponseCode());
            try (InputStream in = viewer.getInputStream()) {
                byte[] buf = new byte[65536];
                long deadline = System.nanoTime() + 20_000_000_000L;
                int i = 1;
                while (!logged(logs, "live/report/httpflv")) {
                    assertTrue(System.nanoTime() < deadline, "no httpflv interval logged within 20 s");
                    for (int k = 0; k < 5; k++, i++) {
                        publish(publisher, frame(i, i % 30 == 0), i % 30 == 0, false, i * 33L);
                    }
                    int n = in.read(buf);
                    assertTrue(n > 0, "viewer stream ended");
                }
            }
            publisher.close();
        } finally {
            server.close();
        }

        Path out = dir.resolve("report.html");
        LatencyReportData data = LatencyReport.run(LatencyReport.parse(new String[] {"--out", out.toString(),
                logs.toString()}));

        LatencyReportData.TagSummary row = data.tags().stream().filter(r -> r.tag().equals("live/report/httpflv"))
                .findFirst().orElseThrow(() -> new AssertionError("no httpflv row: " + data.tags()));
        assertTrue(row.count() > 0, row.toString());
        String html = Files.readString(out);
        assertTrue(html.contains("<tr><td>live/report</td><td>httpflv</td>"), "table row");
        List<String> csv = Files.readAllLines(dir.resolve("report.csv"));
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("live/report,httpflv,")), csv.toString());
    }

    private static boolean logged(Path logs, String tag) throws IOException {
        if (!Files.isDirectory(logs)) {
            return false;
        }
        try (var files = Files.list(logs)) {
            for (Path f : files.toList()) {
                if (Files.readString(f).contains("Tag=" + tag + ",")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static byte[] frame(int index, boolean keyframe) {
        byte[] body = new byte[1200];
        body[0] = (byte) (keyframe ? 0x17 : 0x27);
        body[1] = 1;
        body[5] = 0;
        body[6] = 0;
        body[7] = 0x04;
        body[8] = (byte) 0xab;
        body[9] = (byte) index;
        return body;
    }

    private static void publish(StreamPublisher publisher, byte[] body, boolean keyframe, boolean sequenceHeader,
                                long timestampMs) {
        TrackRing ring = publisher.track(TrackKind.VIDEO);
        long position = ring.reserve(body.length);
        ring.payloadBuffer().putBytes(ring.offsetOf(position), body, 0, body.length);
        publisher.publish(TrackKind.VIDEO, position, body.length, AVC_HEADER_BYTES, Codec.AVC, keyframe,
                sequenceHeader, timestampMs, 0, System.nanoTime());
    }
}
