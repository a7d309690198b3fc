package io.ringcast.web.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.record.FlvFile;
import io.ringcast.broadcast.record.MediaTools;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.testing.ChildServer;
import io.ringcast.web.testing.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Crash safety: the server runs in its own JVM (RingcastMain), ffmpeg publishes to it, and the server is killed
 * with SIGKILL mid-recording. The file must still be readable and decodable, and hold all but at most the flush
 * interval (plus publisher start-up) of what was published.
 */
@Timeout(120)
class RecordingCrashTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FLUSH_INTERVAL_MS = 1_000;
    /** Audio + video frames per second of the test publisher (30 fps video, AAC at 44.1 kHz: ~43 frames/s). */
    private static final int FRAMES_PER_SECOND = 73;
    private static final int PUBLISH_SECONDS_BEFORE_KILL = 8;

    @TempDir
    Path tmp;
    private ChildServer server;
    private Ffmpeg.FfmpegProcess publisher;

    @AfterEach
    void cleanUp() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static JsonNode recordingStats(int httpPort) {
        try {
            HttpURLConnection c = Http.open(httpPort, "GET", "/api/streams/live/crash");
            return c.getResponseCode() == 200 ? JSON.readTree(Http.body(c)).get("recording") : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void shouldLeaveADecodableFileHoldingAllButTheFlushIntervalWhenKilledMidRecording() throws Exception {
        Ffmpeg.assumeInstalled();
        Path dir = tmp.resolve("rec");
        server = ChildServer.with(TestConfig.loopback().toml("""
                [record]
                enable = true
                directory = "%s"
                flush_interval_ms = %d
                """.formatted(dir, FLUSH_INTERVAL_MS))).start();
        int rtmpPort = server.rtmpPort();
        int httpPort = server.httpPort();

        publisher = Ffmpeg.start(Ffmpeg.publishArgs("rtmp://127.0.0.1:" + rtmpPort + "/live/crash", "640x360", 30,
                30), "publish-crash");
        // Published time counts from the first recorded frame, not from ffmpeg's start: on a loaded machine ffmpeg
        // takes seconds to start and connect, which no recording can hold.
        Await.until("the recording's first frame", Duration.ofSeconds(30), () -> {
            JsonNode r = recordingStats(httpPort);
            return r != null && r.get("framesWritten").asLong() > 0;
        }, server::logTail);
        long publishStartNs = System.nanoTime();
        Await.until(PUBLISH_SECONDS_BEFORE_KILL + " s recorded", Duration.ofSeconds(30), () -> {
            JsonNode r = recordingStats(httpPort);
            return r != null && r.get("framesWritten").asLong() >= PUBLISH_SECONDS_BEFORE_KILL * FRAMES_PER_SECOND;
        }, server::logTail);
        assertTrue(publisher.process().isAlive(), "ffmpeg still publishes at the kill");
        server.process().destroyForcibly();
        double publishedSeconds = (System.nanoTime() - publishStartNs) / 1e9;
        assertTrue(server.process().waitFor(10, TimeUnit.SECONDS));
        assertEquals(137, server.process().exitValue(), "killed by SIGKILL");

        List<Path> files;
        try (var s = Files.list(dir.resolve("live/crash"))) {
            files = s.toList();
        }
        assertEquals(1, files.size(), files.toString());
        Path file = files.get(0);
        FlvFile flv = FlvFile.read(file);
        String errors = MediaTools.decodeErrors(file);
        double seconds = MediaTools.durationSeconds(file);
        System.out.println("kill -9 after " + publishedSeconds + " s of publishing: " + Files.size(file)
                + " bytes, " + flv.media().size() + " frames, truncated tail " + flv.truncatedBytes()
                + " bytes, ffprobe duration " + seconds + " s, decode errors: \"" + errors + "\"");
        assertEquals(0, flv.truncatedBytes(), "the file ends at a tag boundary");
        assertEquals("", errors);
        assertEquals("h264,aac", MediaTools.codecs(file));
        assertTrue(seconds >= publishedSeconds - FLUSH_INTERVAL_MS / 1_000.0 - 1,
                "recorded " + seconds + " s of " + publishedSeconds + " s published");
    }
}
