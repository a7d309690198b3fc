package io.ringcast.web.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.testing.CloseAfterEach;
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
import io.ringcast.web.testing.SyntheticStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Recording in the whole server: ffmpeg publishes H.264 + AAC over RTMP (30 fps, 2 s GOP, no B-frames) and the
 * files are checked with ffprobe and ffmpeg; synthetic streams straight into the engine check rules and the
 * programmatic start/stop; a directory that cannot exist shows in the stats while viewers play on.
 */
@Timeout(180)
class RecordPluginTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private RingcastServer server;
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();

    private void startServer(Path directory, String engine, String record) {
        server = cleanup.add(RingcastServer.start(TestConfig.loopback().toml("""
                [Engine]
                %s
                [record]
                enable = true
                directory = "%s"
                %s
                """.formatted(engine, directory, record)).configFile(), OptionalInt.empty()));
    }

    private Recordings recordings() {
        return server.engine().service(Recordings.class);
    }

    private Ffmpeg.FfmpegProcess publish(String path, double seconds) throws IOException {
        Ffmpeg.FfmpegProcess p = Ffmpeg.start(Ffmpeg.publishArgs("rtmp://127.0.0.1:" + server.pluginPort("rtmp")
                + "/" + path, "640x360", 30, seconds), "publish");
        cleanup.add(p);
        return p;
    }

    /** The recording's status, once the stream exists and records. */
    private RecordingStatus awaitRecording(String path) {
        StreamPath p = StreamPath.parse(path);
        Await.until("a recording of " + path, Duration.ofSeconds(15), () -> recordings().status(p) != null);
        return recordings().status(p);
    }

    private static void awaitEnded(RecordingStatus status) {
        Await.until("the recording to end", Duration.ofSeconds(20), () -> !status.active(), status::toString);
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".flv")).sorted().toList();
        }
    }

    private JsonNode streamStats(String path) throws IOException {
        HttpURLConnection c = Http.open(server.httpPort(), "GET", "/api/streams/" + path);
        assertEquals(200, c.getResponseCode());
        return JSON.readTree(Http.body(c));
    }

    @Test
    void shouldRecordThirtySecondsOfALivePublishAsOneDecodableFile() throws Exception {
        Ffmpeg.assumeInstalled();
        Path dir = tmp.resolve("rec");
        startServer(dir, "PublishTimeout = 1", "");
        Ffmpeg.FfmpegProcess publisher = publish("live/long", 30);
        RecordingStatus status = awaitRecording("live/long");
        Await.until("bytes on disk", Duration.ofSeconds(10), () -> status.bytesWritten() > 0);
        JsonNode recording = streamStats("live/long").get("recording");
        assertTrue(recording.get("active").asBoolean(), recording.toString());
        assertTrue(recording.get("file").asText().startsWith(dir.resolve("live/long").toString()),
                recording.toString());
        assertTrue(recording.get("lastError").isNull(), recording.toString());
        assertEquals(0, publisher.await(60), publisher.output());
        awaitEnded(status);

        List<Path> files = files(dir.resolve("live/long"));
        assertEquals(1, files.size(), files.toString());
        Path file = files.get(0);
        assertTrue(file.getFileName().toString().matches("\\d{8}T\\d{6}Z\\.flv"), file.toString());
        double seconds = MediaTools.durationSeconds(file);
        System.out.println("30 s publish: ffprobe duration " + seconds + " s, " + Files.size(file) + " bytes");
        assertEquals(30.0, seconds, 0.5);
        assertEquals("h264,aac", MediaTools.codecs(file));
        assertEquals("", MediaTools.decodeErrors(file));
        assertEquals(Files.size(file), status.bytesWritten());
        assertNull(status.lastError());
    }

    @Test
    void shouldRotateALivePublishEveryFourSecondsAtKeyframes() throws Exception {
        Ffmpeg.assumeInstalled();
        Path dir = tmp.resolve("rec");
        startServer(dir, "PublishTimeout = 1", "max_duration_s = 4");
        Ffmpeg.FfmpegProcess publisher = publish("live/rot", 10);
        RecordingStatus status = awaitRecording("live/rot");
        assertEquals(0, publisher.await(60), publisher.output());
        awaitEnded(status);
        List<Path> files = files(dir.resolve("live/rot"));
        assertEquals(3, files.size(), files.toString());
        double[] expected = {4, 4, 2};
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            FlvFile flv = FlvFile.read(f);
            assertTrue(flv.firstMedia().isVideoKeyframe(), f + " starts with a keyframe");
            assertEquals(0, flv.firstMedia().timestampMs(), f + " starts at 0");
            assertEquals("", MediaTools.decodeErrors(f), f.toString());
            double seconds = MediaTools.durationSeconds(f);
            System.out.println("rotation: " + f.getFileName() + " " + seconds + " s");
            assertEquals(expected[i], seconds, 0.3, f.toString());
        }
        assertEquals(3, status.filesWritten());
    }

    @Test
    void shouldStartANewFileWhenThePublisherReconnects() throws Exception {
        Ffmpeg.assumeInstalled();
        Path dir = tmp.resolve("rec");
        startServer(dir, "PublishTimeout = 20", "");
        Ffmpeg.FfmpegProcess first = publish("live/re", 4);
        RecordingStatus status = awaitRecording("live/re");
        assertEquals(0, first.await(60), first.output());
        Ffmpeg.FfmpegProcess second = publish("live/re", 4);
        assertEquals(0, second.await(60), second.output());
        assertTrue(recordings().stop(StreamPath.parse("live/re")));
        awaitEnded(status);
        List<Path> files = files(dir.resolve("live/re"));
        assertEquals(2, files.size(), files.toString());
        for (Path f : files) {
            FlvFile flv = FlvFile.read(f);
            assertTrue(flv.firstMedia().isVideoKeyframe(), f.toString());
            assertEquals(0, flv.firstMedia().timestampMs(), f.toString());
            assertEquals(4.0, MediaTools.durationSeconds(f), 0.5, f.toString());
            assertEquals("", MediaTools.decodeErrors(f), f.toString());
        }
        assertEquals(2, status.filesWritten());
    }

    @Test
    void shouldReportAnUnusableDirectoryInTheStatsWhileViewersPlayOn() throws Exception {
        Ffmpeg.assumeInstalled();
        Path notADirectory = Files.writeString(tmp.resolve("a-file"), "not a directory");
        startServer(notADirectory.resolve("sub"), "", "flush_interval_ms = 200");
        publish("live/x", 12);
        RecordingStatus status = awaitRecording("live/x");
        Await.until("the recording error", Duration.ofSeconds(15), () -> status.lastError() != null);

        JsonNode recording = streamStats("live/x").get("recording");
        assertFalse(recording.get("active").asBoolean(), recording.toString());
        String error = recording.get("lastError").asText();
        assertTrue(error.contains(notADirectory.toString()) && error.contains("Not a directory"), error);
        assertEquals(0, recording.get("filesWritten").asLong());

        Ffmpeg.Probe probe = Ffmpeg.probe("http://127.0.0.1:" + server.httpPort() + "/live/x.flv", 30);
        assertEquals(0, probe.exitCode(), probe.output());
        assertEquals("h264", probe.get("video", "codec_name"), probe.output());
        assertEquals("aac", probe.get("audio", "codec_name"), probe.output());
        assertEquals("PUBLISHING", streamStats("live/x").get("state").asText());
    }

    @Test
    void shouldRecordOnlyTheStreamsTheRulesSelect() throws Exception {
        Path dir = tmp.resolve("rec");
        startServer(dir, "", "include = \"live/*, news/evening\"\nexclude = \"live/private-*\"");
        List<SyntheticStream> streams = new ArrayList<>();
        for (String path : List.of("live/main", "live/private-1", "news/evening", "news/morning")) {
            SyntheticStream s = new SyntheticStream(server.engine(), path);
            streams.add(s);
            s.video(SyntheticStream.videoFrame(0, true, 2_000), true, 0);
        }
        assertNotNull(recordings().status(StreamPath.parse("live/main")));
        assertNotNull(recordings().status(StreamPath.parse("news/evening")));
        assertNull(recordings().status(StreamPath.parse("live/private-1")));
        assertNull(recordings().status(StreamPath.parse("news/morning")));
        assertTrue(streamStats("live/main").has("recording"));
        assertFalse(streamStats("news/morning").has("recording"), "no recording block without a recording");
        streams.forEach(SyntheticStream::close);
        for (String recorded : List.of("live/main", "news/evening")) {
            RecordingStatus status = recordings().status(StreamPath.parse(recorded));
            recordings().stop(StreamPath.parse(recorded));
            awaitEnded(status);
            assertEquals(1, files(dir.resolve(recorded)).size(), recorded);
        }
        assertFalse(Files.exists(dir.resolve("live/private-1")));
        assertFalse(Files.exists(dir.resolve("news/morning")));
    }

    @Test
    void shouldStartMidStreamAtTheNextKeyframeAndStopOnRequest() throws Exception {
        Path dir = tmp.resolve("rec");
        startServer(dir, "", "include = \"\"");
        StreamPath path = StreamPath.parse("live/later");
        try (SyntheticStream stream = new SyntheticStream(server.engine(), path.toString())) {
            for (int i = 0; i < 45; i++) {
                stream.video(SyntheticStream.videoFrame(i, i % 30 == 0, 1_000), i % 30 == 0, i * 33L);
            }
            assertNull(recordings().status(path), "the rules record nothing");
            assertEquals(Recordings.StartResult.STARTED, recordings().start(path));
            assertEquals(Recordings.StartResult.ALREADY_RECORDING, recordings().start(path));
            assertEquals(Recordings.StartResult.NO_SUCH_STREAM, recordings().start(StreamPath.parse("live/none")));
            RecordingStatus status = recordings().status(path);
            for (int i = 45; i < 120; i++) {
                stream.video(SyntheticStream.videoFrame(i, i % 30 == 0, 1_000), i % 30 == 0, i * 33L);
            }
            Await.until("frames recorded", Duration.ofSeconds(10), () -> status.framesWritten() == 60,
                    status::toString);
            assertTrue(recordings().stop(path));
            assertFalse(recordings().stop(path), "already stopped");
            awaitEnded(status);
            assertEquals(15, status.framesSkipped(), "frames 45..59 come before the keyframe at 60");
            FlvFile file = FlvFile.read(files(dir.resolve("live/later")).get(0));
            assertTrue(file.firstMedia().isVideoKeyframe());
            assertEquals(60, SyntheticStream.videoIndex(file.firstMedia().body()));
            assertEquals(0, file.firstMedia().timestampMs());
            assertEquals(59 * 33, file.media().get(file.media().size() - 1).timestampMs());
            assertArrayEquals(SyntheticStream.AVC_SEQUENCE_HEADER, file.tags().stream()
                    .filter(FlvFile.Tag::isSequenceHeader).filter(t -> t.type() == FlvFile.TYPE_VIDEO)
                    .findFirst().orElseThrow().body(), "the sequence header from the track format");
        }
    }
}
