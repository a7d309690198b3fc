package io.ringcast.broadcast.record;

import io.ringcast.broadcast.testing.Ffmpeg;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helper: ffmpeg and ffprobe on recorded files (decode errors, duration, codecs). Test thread only. */
public final class MediaTools {
    private static final int TIMEOUT_S = 60;

    private MediaTools() {
    }

    /** What {@code ffmpeg -v error -i file -f null -} prints: empty when the whole file decodes cleanly. */
    public static String decodeErrors(Path file) throws IOException, InterruptedException {
        return run(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostdin", "-v", "error", "-i", file.toString(),
                "-f", "null", "-"));
    }

    /** The container duration ffprobe reports, seconds. */
    public static double durationSeconds(Path file) throws IOException, InterruptedException {
        String out = run(List.of(Ffmpeg.FFPROBE, "-v", "error", "-show_entries", "format=duration",
                "-of", "default=noprint_wrappers=1:nokey=1", file.toString())).trim();
        try {
            return Double.parseDouble(out);
        } catch (NumberFormatException e) {
            throw new AssertionError("ffprobe printed no duration for " + file + ": " + out, e);
        }
    }

    /** The codec names of the file's streams, comma-separated, as ffprobe lists them. */
    public static String codecs(Path file) throws IOException, InterruptedException {
        return run(List.of(Ffmpeg.FFPROBE, "-v", "error", "-show_entries", "stream=codec_name",
                "-of", "default=noprint_wrappers=1:nokey=1", file.toString())).trim().replace('\n', ',');
    }

    public static String run(List<String> command) throws IOException, InterruptedException {
        Ffmpeg.FfmpegProcess p = Ffmpeg.start(new ArrayList<>(command), "tool");
        if (p.await(TIMEOUT_S) != 0) {
            throw new AssertionError("failed: " + p.commandLine() + "\n" + p.output());
        }
        return p.output();
    }
}
