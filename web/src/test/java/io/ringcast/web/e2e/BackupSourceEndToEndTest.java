package io.ringcast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;
import io.ringcast.web.testing.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A primary and a backup encoder (real ffmpeg, publishing distinguishable pre-encoded files with -re -c copy) on one
 * stream, watched over HTTP-FLV, RTMP and HLS: the primary is killed (kill -9) and viewers switch to the backup at
 * its keyframe; the primary publishes again and they switch back; nobody is disconnected, each track's timestamps
 * never go back, the recordings decode without error and the HLS playlist has one discontinuity per switch.
 */
@Timeout(240)
class BackupSourceEndToEndTest {
    private static final int FPS = 25;
    private static final long RECORD_EACH_SOURCE_MS = 3_000;

    @TempDir
    static Path media;
    private static Path primaryFile;
    private static Path backupFile;

    @TempDir
    Path recordings;
    private RingcastServer server;
    private final List<RingcastServer> origins = new ArrayList<>();
    private String rtmpBase;
    private String httpBase;
    private final List<Ffmpeg.FfmpegProcess> processes = new ArrayList<>();
    private final List<AutoCloseable> viewers = new ArrayList<>();

    /** 60 s of each source, encoded once: 640x360 testsrc2 + 440 Hz, and 320x240 SMPTE bars + 880 Hz; 1 s GOP. */
    @BeforeAll
    static void encodeSources() throws Exception {
        Ffmpeg.assumeInstalled();
        primaryFile = media.resolve("primary.flv");
        backupFile = media.resolve("backup.flv");
        encode("testsrc2=size=640x360:rate=" + FPS, "sine=frequency=440:sample_rate=44100", primaryFile);
        encode("smptebars=size=320x240:rate=" + FPS, "sine=frequency=880:sample_rate=44100", backupFile);
    }

    static void encode(String video, String audio, Path file) throws Exception {
        Ffmpeg.FfmpegProcess p = Ffmpeg.start(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error",
                "-f", "lavfi", "-i", video, "-f", "lavfi", "-i", audio, "-t", "60",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", String.valueOf(FPS),
                "-keyint_min", String.valueOf(FPS), "-sc_threshold", "0", "-b:v", "400k",
                "-c:a", "aac", "-b:a", "64k", "-f", "flv", "-y", file.toString()), "encode");
        assertEquals(0, p.await(120), p.output());
    }

    /** Publishes a pre-encoded file at its own pace, without encoding (-re -c copy). */
    static List<String> publishFile(Path file, String url) {
        return List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error", "-re", "-i", file.toString(),
                "-c", "copy", "-f", "flv", url);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable viewer : viewers) {
            viewer.close();
        }
        for (Ffmpeg.FfmpegProcess p : processes) {
            p.close();
        }
        if (server != null) {
            server.close();
        }
        for (RingcastServer origin : origins) {
            origin.close();
        }
    }

    private Ffmpeg.FfmpegProcess run(List<String> command, String name) throws IOException {
        Ffmpeg.FfmpegProcess p = Ffmpeg.start(command, name);
        processes.add(p);
        return p;
    }

    private RingcastServer origin() {
        RingcastServer origin = RingcastServer.start(TestConfig.loopback().configFile(), OptionalInt.empty());
        origins.add(origin);
        return origin;
    }

    private JsonNode source(String path) throws IOException {
        HttpURLConnection c = Http.open(server.httpPort(), "GET", "/api/streams/" + path);
        if (c.getResponseCode() != 200) {
            return null;
        }
        return new ObjectMapper().readTree(Http.body(c)).get("source");
    }

    private void awaitSource(String what, java.util.function.Predicate<JsonNode> condition) {
        JsonNode[] last = {null};
        try {
            Await.until(what, Duration.ofSeconds(30), () -> {
                try {
                    JsonNode source = source("live/x");
                    last[0] = source;
                    return source != null && !source.isNull() && condition.test(source);
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (AssertionError e) {
            StringBuilder state = new StringBuilder(e.getMessage()).append("; the stream's source: ").append(last[0]);
            for (RingcastServer origin : origins) {
                state.append("\norigin ").append(origin.httpPort()).append(": ").append(get(origin, "/api/streams"));
            }
            state.append("\nrelays: ").append(get(server, "/api/relays"));
            throw new AssertionError(state.toString(), e);
        }
    }

    private static String get(RingcastServer target, String path) {
        try {
            return Http.body(Http.open(target.httpPort(), "GET", path));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Waits until the recording holds {@code ms} more of video than {@code fromMs}. */
    private static void awaitRecorded(Path file, long fromMs, long ms) {
        Await.until(file.getFileName() + " has video up to " + (fromMs + ms) + " ms", Duration.ofSeconds(30),
                () -> {
                    try {
                        return RecordedFlv.read(file).lastVideoTimestampMs() >= fromMs + ms;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    /** EXT-X-DISCONTINUITY-SEQUENCE plus the EXT-X-DISCONTINUITY tags in the window: every discontinuity so far. */
    private int hlsDiscontinuities() throws IOException {
        HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/x.m3u8");
        if (c.getResponseCode() != 200) {
            return -1;
        }
        String playlist = Http.body(c);
        Matcher sequence = Pattern.compile("#EXT-X-DISCONTINUITY-SEQUENCE:(\\d+)").matcher(playlist);
        int total = sequence.find() ? Integer.parseInt(sequence.group(1)) : 0;
        return total + (int) playlist.lines().filter(l -> l.equals("#EXT-X-DISCONTINUITY")).count();
    }

    private static void assertNoDecodeError(Path file) throws Exception {
        Ffmpeg.FfmpegProcess decode = Ffmpeg.start(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error",
                "-i", file.toString(), "-f", "null", "-"), "decode-recording");
        assertEquals(0, decode.await(60), decode.output());
        assertEquals("", decode.output().strip(), "ffmpeg -v error reports nothing for " + file);
    }

    /**
     * What a viewer recorded: three sources in turn (primary, backup, primary), each change preceded by metadata
     * and followed first by a keyframe; timestamps never went back.
     */
    private static void assertSwitchedTwice(Path file, boolean metadataBeforeEachChange) throws IOException {
        RecordedFlv flv = RecordedFlv.read(file);
        assertNull(flv.firstTimestampRegression(), file.getFileName().toString());
        List<Integer> changes = flv.videoConfigurationChanges();
        assertEquals(3, changes.size(), "primary, backup, primary again in " + file.getFileName() + ": " + changes);
        assertArrayEquals(flv.tags().get(changes.get(0)).body(), flv.tags().get(changes.get(2)).body(),
                "the primary's configuration after the switch back");
        for (int change : changes) {
            int frame = flv.nextVideoFrame(change);
            assertTrue(frame > change, "video after the header at " + change);
            assertTrue(flv.tags().get(frame).isVideoKeyframe(), "a new source starts at a keyframe: tag " + frame);
            if (metadataBeforeEachChange && change != changes.get(0)) {
                // Between the last frame before the change and the new source's keyframe: its metadata (the header
                // may come first when the viewer re-sent formats after a skip).
                int previousFrame = change - 1;
                while (previousFrame >= 0 && !flv.tags().get(previousFrame).isVideoFrame()) {
                    previousFrame--;
                }
                boolean metadata = false;
                for (int i = previousFrame + 1; i < frame; i++) {
                    metadata |= flv.tags().get(i).type() == RecordedFlv.SCRIPT;
                }
                StringBuilder around = new StringBuilder();
                for (int i = Math.max(0, change - 8); i < Math.min(flv.tags().size(), frame + 2); i++) {
                    RecordedFlv.Tag t = flv.tags().get(i);
                    around.append(String.format("%n  %d: type %d ts %d bytes %02x %02x len %d", i, t.type(),
                            t.timestampMs(), t.body()[0], t.body().length > 1 ? t.body()[1] : 0, t.body().length));
                }
                assertTrue(metadata, "the new source's metadata before its keyframe at tag " + frame + around);
            }
        }
        for (int change : changes) {
            long before = -1;
            for (int i = change - 1; i >= 0 && before < 0; i--) {
                before = flv.tags().get(i).isVideoFrame() ? flv.tags().get(i).timestampMs() : -1;
            }
            System.out.printf("%s: source change at tag %d: last video %d ms, new keyframe %d ms%n",
                    file.getFileName(), change, before, flv.tags().get(flv.nextVideoFrame(change)).timestampMs());
        }
        long backupFrames = flv.tags().subList(changes.get(1), changes.get(2)).stream()
                .filter(RecordedFlv.Tag::isVideoFrame).count();
        assertTrue(backupFrames >= FPS * 2, "seconds of the backup's video: " + backupFrames + " frames");
    }

    @Test
    void shouldSwitchViewersToTheBackupWhenThePrimaryDiesAndBackWhenItReturns() throws Exception {
        server = RingcastServer.start(TestConfig.loopback().set("backup", "switch_after_ms", 1000).configFile(),
                OptionalInt.empty());
        rtmpBase = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/";
        httpBase = "http://127.0.0.1:" + server.httpPort() + "/live/";

        Ffmpeg.FfmpegProcess primary = run(publishFile(primaryFile, rtmpBase + "x"), "primary");
        awaitSource("the primary publishes", s -> "publisher".equals(s.path("type").asText()));
        run(publishFile(backupFile, rtmpBase + "x?backup"), "backup");
        awaitSource("the backup is attached and standby", s -> s.path("backup").path("framesOffered").asLong() > 50
                && "primary".equals(s.path("active").asText()));

        HttpFlvRecorder flv = new HttpFlvRecorder(httpBase + "x.flv", recordings.resolve("httpflv.flv"));
        viewers.add(flv);
        Path rtmpFile = recordings.resolve("rtmp.flv");
        Ffmpeg.FfmpegProcess rtmp = run(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error",
                "-i", rtmpBase + "x", "-c", "copy", "-f", "flv", rtmpFile.toString()), "rtmp-viewer");
        awaitRecorded(flv.file(), 0, RECORD_EACH_SOURCE_MS);
        awaitRecorded(rtmpFile, 0, RECORD_EACH_SOURCE_MS);

        long killedAtMs = RecordedFlv.read(flv.file()).lastVideoTimestampMs();
        primary.process().destroyForcibly();
        assertTrue(primary.process().waitFor(10, TimeUnit.SECONDS));
        awaitSource("viewers switched to the backup", s -> "backup".equals(s.path("active").asText())
                && s.path("switchesToBackup").asLong() == 1 && s.path("primary").isNull());
        awaitRecorded(flv.file(), killedAtMs, RECORD_EACH_SOURCE_MS);

        long restartAtMs = RecordedFlv.read(flv.file()).lastVideoTimestampMs();
        run(publishFile(primaryFile, rtmpBase + "x"), "primary-again");
        awaitSource("viewers switched back to the primary", s -> "primary".equals(s.path("active").asText())
                && s.path("switchesToPrimary").asLong() == 1);
        awaitRecorded(flv.file(), restartAtMs, RECORD_EACH_SOURCE_MS);
        awaitRecorded(rtmpFile, restartAtMs, RECORD_EACH_SOURCE_MS);

        Await.until("two discontinuities in the HLS playlist", Duration.ofSeconds(30), () -> {
            try {
                return hlsDiscontinuities() >= 2;
            } catch (IOException e) {
                return false;
            }
        });
        assertEquals(2, hlsDiscontinuities(), "one EXT-X-DISCONTINUITY per switch");

        assertFalse(flv.endedByServer(), "the HTTP-FLV viewer stayed connected: " + flv.failure());
        assertTrue(rtmp.process().isAlive(), "the RTMP viewer stayed connected: " + rtmp.output());
        flv.close();
        rtmp.process().destroy(); // SIGTERM: ffmpeg ends its file cleanly
        assertTrue(rtmp.process().waitFor(20, TimeUnit.SECONDS));

        assertSwitchedTwice(flv.file(), true);
        assertSwitchedTwice(rtmpFile, false);
        assertNoDecodeError(RecordedFlv.complete(flv.file(), recordings.resolve("httpflv-complete.flv")));
        assertNoDecodeError(rtmpFile);

        Ffmpeg.FfmpegProcess hls = run(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error",
                "-i", httpBase + "x.m3u8", "-t", "4", "-f", "null", "-"), "hls-viewer");
        assertEquals(0, hls.await(60), hls.output());
        assertEquals("", hls.output().strip(), "the HLS window decodes cleanly");
    }

    @Test
    void shouldSwitchAnEdgesPullToItsBackupUpstreamWhileThePrimaryOriginDeliversNothing() throws Exception {
        RingcastServer origin1 = origin();
        RingcastServer origin2 = origin();
        String origin1Rtmp = "rtmp://127.0.0.1:" + origin1.pluginPort("rtmp") + "/live/";
        String origin2Rtmp = "rtmp://127.0.0.1:" + origin2.pluginPort("rtmp") + "/live/";
        Ffmpeg.FfmpegProcess primary = run(publishFile(primaryFile, origin1Rtmp + "x"), "primary");
        run(publishFile(backupFile, origin2Rtmp + "x"), "backup");
        server = RingcastServer.start(TestConfig.loopback().set("backup", "switch_after_ms", 1000).arrayTables("""
                [[pull]]
                match = "live/x"
                from = ["%sx"]
                backup = "%sx"
                on_demand = false
                """.formatted(origin1Rtmp, origin2Rtmp)).configFile(), OptionalInt.empty());
        httpBase = "http://127.0.0.1:" + server.httpPort() + "/live/";
        awaitSource("both pulls attached, the primary's active", s -> "pull".equals(s.path("type").asText())
                && "primary".equals(s.path("active").asText()) && s.path("backup").path("framesOffered").asLong() > 50);

        HttpFlvRecorder flv = new HttpFlvRecorder(httpBase + "x.flv", recordings.resolve("edge.flv"));
        viewers.add(flv);
        awaitRecorded(flv.file(), 0, RECORD_EACH_SOURCE_MS);

        long killedAtMs = RecordedFlv.read(flv.file()).lastVideoTimestampMs();
        primary.process().destroyForcibly();
        assertTrue(primary.process().waitFor(10, TimeUnit.SECONDS));
        awaitSource("the edge switched to the backup upstream", s -> "backup".equals(s.path("active").asText())
                && s.path("switchesToBackup").asLong() == 1);
        awaitRecorded(flv.file(), killedAtMs, RECORD_EACH_SOURCE_MS);

        long restartAtMs = RecordedFlv.read(flv.file()).lastVideoTimestampMs();
        run(publishFile(primaryFile, origin1Rtmp + "x"), "primary-again");
        awaitSource("the edge switched back to the primary upstream", s -> "primary".equals(s.path("active").asText())
                && s.path("switchesToPrimary").asLong() >= 1);
        awaitRecorded(flv.file(), restartAtMs, RECORD_EACH_SOURCE_MS);

        assertFalse(flv.endedByServer(), "the edge's viewer stayed connected: " + flv.failure());
        flv.close();
        assertSwitchedTwice(flv.file(), true);
        assertNoDecodeError(RecordedFlv.complete(flv.file(), recordings.resolve("edge-complete.flv")));
    }
}
