package io.ringcast.broadcast.record;

import io.ringcast.broadcast.testing.Ffmpeg;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: real H.264 + AAC material from ffmpeg (testsrc2 + sine, 640x360 at 30 fps, 2 s GOP with B-frames,
 * AAC 44.1 kHz stereo) as FLV tags, to feed a recorder as the engine would. Test thread only.
 */
final class SourceFlv {
    static final int FPS = 30;

    private SourceFlv() {
    }

    /** Generates {@code seconds} of 640x360 material into {@code dir} and returns its tags. */
    static FlvFile generate(Path dir, double seconds, boolean video, boolean audio)
            throws IOException, InterruptedException {
        return generate(dir, seconds, video, audio, "640x360");
    }

    /** As {@link #generate(Path, double, boolean, boolean)} at a picture size such as "320x180". */
    static FlvFile generate(Path dir, double seconds, boolean video, boolean audio, String size)
            throws IOException, InterruptedException {
        Path out = dir.resolve("source-" + seconds + (video ? "v" : "") + (audio ? "a" : "") + size + ".flv");
        List<String> cmd = new ArrayList<>(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-loglevel", "error",
                "-y"));
        if (video) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + FPS));
        }
        if (audio) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"));
        }
        cmd.addAll(List.of("-t", String.valueOf(seconds)));
        if (video) {
            cmd.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                    "-g", String.valueOf(2 * FPS), "-keyint_min", String.valueOf(2 * FPS), "-sc_threshold", "0",
                    "-bf", "2"));
        }
        if (audio) {
            cmd.addAll(List.of("-c:a", "aac", "-b:a", "128k", "-ar", "44100", "-ac", "2"));
        }
        cmd.addAll(List.of("-f", "flv", out.toString()));
        Ffmpeg.FfmpegProcess p = Ffmpeg.start(cmd, "source");
        if (p.await(TimeUnit.MINUTES.toSeconds(1)) != 0) {
            throw new AssertionError("ffmpeg failed: " + p.commandLine() + "\n" + p.output());
        }
        return FlvFile.read(out);
    }
}
