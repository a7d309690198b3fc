package io.ringcast.web.e2e;

import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.web.RingcastServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RTMP play at the server's outgoing chunk size ({@code [rtmp] chunk_size}): the default 4096 and larger ones, under
 * which a frame leaves as a few pieces of one gathering write instead of one piece per 4 KiB. Two players that
 * implement the chunk stream themselves decode what they receive: ffmpeg's native RTMP client and librtmp
 * ({@code rtmpdump}, whose recording ffprobe then decodes).
 */
@Timeout(180)
class PlayChunkSizeEndToEndTest {
    private static final int FPS = 30;
    private static final int SECONDS = 4;
    private static final String RTMPDUMP = "/usr/bin/rtmpdump";

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();

    @ParameterizedTest(name = "chunk_size = {0}")
    @ValueSource(ints = {4096, 65536, 1048576})
    void shouldBePlayedByFfmpegAndLibrtmpAtThisChunkSize(int chunkSize, @TempDir Path dir) throws Exception {
        Ffmpeg.assumeInstalled();
        Assumptions.assumeTrue(new File(RTMPDUMP).canExecute(), "rtmpdump (librtmp) is not installed");
        RingcastServer server = cleanup.add(RingcastServer.start(TestConfig.loopback().toml("""
                [rtmp]
                chunk_size = %d
                """.formatted(chunkSize)).configFile(), OptionalInt.empty()));
        String url = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/chunks";
        // 1280x720 at 4 Mbit/s: keyframes well above 64 KiB, so the largest size still sends several per chunk.
        run(Ffmpeg.publishArgs(url, "1280x720", FPS, 60, "4000k"), "publish");
        Await.until("the published stream's first keyframe", Duration.ofSeconds(30), () -> {
            Stream stream = server.engine().streams().find(StreamPath.parse("live/chunks"));
            return stream != null && stream.track(TrackKind.VIDEO).newestKeyframeSequence() >= 0;
        });

        Ffmpeg.FfmpegProcess ffmpeg = run(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error",
                "-rw_timeout", "15000000", "-i", url, "-t", String.valueOf(SECONDS), "-f", "framecrc", "-"),
                "ffmpeg-player");
        Path recording = dir.resolve("rtmpdump.flv");
        Process rtmpdump = new ProcessBuilder(RTMPDUMP, "--live", "--quiet", "-r", url, "-o", recording.toString(),
                "--timeout", "15").redirectErrorStream(true)
                .redirectOutput(dir.resolve("rtmpdump.log").toFile()).start();
        cleanup.add(rtmpdump::destroyForcibly); // also when an assertion below fails

        assertEquals(0, ffmpeg.await(90), ffmpeg.commandLine() + "\n" + ffmpeg.output());
        long[] frames = ffmpeg.decodedFramesPerStream();
        assertTrue(frames[0] >= SECONDS * FPS - 1 || frames[1] >= SECONDS * FPS - 1,
                "ffmpeg decoded " + frames[0] + "/" + frames[1] + " frames at chunk size " + chunkSize);

        // A live download runs until stopped: SIGTERM makes rtmpdump close its recording cleanly.
        assertTrue(rtmpdump.isAlive(), "rtmpdump still playing: " + Files.readString(dir.resolve("rtmpdump.log")));
        rtmpdump.destroy();
        assertTrue(rtmpdump.waitFor(30, TimeUnit.SECONDS), "rtmpdump ended");
        assertTrue(Files.size(recording) > 0, Files.readString(dir.resolve("rtmpdump.log")));
        Ffmpeg.FfmpegProcess decoded = run(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error",
                "-i", recording.toString(), "-f", "framecrc", "-"), "decode-rtmpdump");
        assertEquals(0, decoded.await(60), decoded.output());
        long[] dumped = decoded.decodedFramesPerStream();
        assertTrue(dumped[0] >= SECONDS * FPS - 1 || dumped[1] >= SECONDS * FPS - 1,
                "librtmp's recording decodes: " + dumped[0] + "/" + dumped[1] + " frames at chunk size " + chunkSize
                        + "\n" + Files.readString(dir.resolve("rtmpdump.log")));
    }

    private Ffmpeg.FfmpegProcess run(List<String> command, String name) throws IOException {
        return cleanup.add(Ffmpeg.start(command, name));
    }
}
