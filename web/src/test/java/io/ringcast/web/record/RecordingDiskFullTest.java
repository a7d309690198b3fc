package io.ringcast.web.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.record.FlvFile;
import io.ringcast.broadcast.record.MediaTools;
import io.ringcast.broadcast.record.RecordingStatus;
import io.ringcast.broadcast.record.Recordings;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;
import io.ringcast.web.testing.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A recording that fills its disk: ffmpeg publishes over RTMP into a server recording onto a 512 KiB tmpfs the test
 * mounts (and unmounts). The file cut off by ENOSPC must still read with its real duration, and the outcome,
 * error included, must stay visible in {@code GET /api/recordings} after the publisher has left. Needs root (to
 * mount); skipped otherwise.
 */
@Timeout(120)
class RecordingDiskFullTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TMPFS_SIZE = "512k";

    @TempDir
    Path tmp;
    private Path disk;
    private boolean mounted;
    private RingcastServer server;
    private Ffmpeg.FfmpegProcess publisher;

    @BeforeEach
    void mountATinyDisk() throws Exception {
        Ffmpeg.assumeInstalled();
        disk = Files.createDirectory(tmp.resolve("tiny-disk"));
        String output = run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_SIZE, "tmpfs", disk.toString());
        mounted = output == null;
        Assumptions.assumeTrue(mounted, "skipped: cannot mount a " + TMPFS_SIZE + " tmpfs for the full disk "
                + "(needs root with CAP_SYS_ADMIN): " + output);
    }

    @AfterEach
    void unmount() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        if (server != null) {
            server.close();
        }
        if (mounted) {
            String output = run("umount", disk.toString());
            if (output != null) {
                run("umount", "-l", disk.toString());
                fail("umount " + disk + ": " + output);
            }
        }
    }

    /** Runs a command; null when it exited 0, else its output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + ": timed out";
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.exitValue() == 0 ? null : String.join(" ", command) + " exited " + p.exitValue() + ": " + output;
    }

    private JsonNode get(String path, int expectedStatus) throws IOException {
        HttpURLConnection c = Http.open(server.httpPort(), "GET", path);
        String body = Http.body(c);
        assertEquals(expectedStatus, c.getResponseCode(), path + ": " + body);
        return JSON.readTree(body);
    }

    @Test
    void shouldFinishTheCutOffFileAndKeepTheOutcomeAfterThePublisherLeaves() throws Exception {
        server = RingcastServer.start(TestConfig.loopback().toml("""
                [Engine]
                PublishTimeout = 1
                [record]
                enable = true
                directory = "%s"
                flush_interval_ms = 200
                """.formatted(disk)).configFile(), OptionalInt.empty());
        StreamPath path = StreamPath.parse("live/full");
        publisher = Ffmpeg.start(Ffmpeg.publishArgs("rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/full",
                "640x360", 30, 8), "publish");
        Recordings recordings = server.engine().service(Recordings.class);
        Await.until("a recording of live/full", Duration.ofSeconds(15), () -> recordings.status(path) != null);
        RecordingStatus status = recordings.status(path);
        Await.until("the disk to fill", Duration.ofSeconds(30), () -> status.lastError() != null, status::toString);
        assertTrue(status.lastError().contains("No space left on device"), status.lastError());
        assertEquals(0, publisher.await(60), publisher.output());
        Await.until("live/full to end", Duration.ofSeconds(20),
                () -> server.engine().streams().find(path) == null);
        get("/api/streams/live/full", 404);
        Await.until("the writer to finish the file", Duration.ofSeconds(10),
                () -> !recordings.outcomes().newestFirst().isEmpty());

        List<Path> files;
        try (var list = Files.list(disk.resolve("live/full"))) {
            files = list.sorted().toList();
        }
        assertEquals(1, files.size(), files.toString());
        Path file = files.get(0);
        long fileBytes = Files.size(file);
        System.out.println("disk full: " + file.getFileName() + " " + fileBytes + " bytes; " + status);
        assertAll(
                () -> {
                    double seconds = MediaTools.durationSeconds(file);
                    System.out.println("disk full: ffprobe duration of the cut-off file " + seconds + " s");
                    assertTrue(seconds > 0.5, "ffprobe duration " + seconds);
                    assertEquals("", MediaTools.decodeErrors(file), "the file decodes to its end");
                    FlvFile parsed = FlvFile.read(file);
                    assertEquals(0, parsed.truncatedBytes(), "the file ends at a whole tag");
                    long lastMs = parsed.tags().get(parsed.tags().size() - 1).timestampMs();
                    assertEquals(lastMs / 1000.0, seconds, 0.1, "ffprobe's duration is the last tag's time");
                },
                () -> {
                    JsonNode outcomes = get("/api/recordings", 200).get("recordings");
                    assertEquals(1, outcomes.size(), outcomes.toString());
                    JsonNode outcome = outcomes.get(0);
                    System.out.println("disk full: GET /api/recordings -> " + outcome);
                    assertEquals("live/full", outcome.get("stream").asText(), outcome.toString());
                    assertEquals(file.toString(), outcome.get("file").asText(), outcome.toString());
                    assertEquals(fileBytes, outcome.get("bytes").asLong(), "bytes the file kept " + outcome);
                    assertTrue(outcome.get("error").asText().contains("No space left on device"), outcome.toString());
                    assertTrue(outcome.get("durationMs").asLong() > 500, outcome.toString());
                    assertEquals(MediaTools.durationSeconds(file), outcome.get("durationMs").asLong() / 1000.0, 0.2,
                            "the duration reported is the file's " + outcome);
                    assertTrue(outcome.get("endedAt").asText().compareTo(outcome.get("startedAt").asText()) > 0,
                            outcome.toString());
                });
    }
}
