package io.ringcast.broadcast.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs real ffmpeg/ffprobe processes for tests on loopback. A test that needs them and finds none is skipped
 * (never passed). Each process logs to a file so failures can show what ffmpeg said.
 */
public final class Ffmpeg {
    public static final String FFMPEG = "/usr/bin/ffmpeg";
    public static final String FFPROBE = "/usr/bin/ffprobe";

    private Ffmpeg() {
    }

    /** Skips the calling test when ffmpeg or ffprobe is not installed. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(new File(FFMPEG).canExecute() && new File(FFPROBE).canExecute(),
                "ffmpeg/ffprobe not installed (apt-get install ffmpeg)");
    }

    /**
     * Arguments of a live test source publisher: testsrc2 + sine, H.264 (2 s GOP) + AAC, at real-time pace.
     *
     * @param size    e.g. "1280x720"
     * @param seconds how long to publish
     */
    public static List<String> publishArgs(String url, String size, int fps, double seconds) {
        return publishArgs(url, size, fps, seconds, "1500k");
    }

    /** As {@link #publishArgs(String, String, int, double)} with a video bitrate, e.g. "8000k". */
    public static List<String> publishArgs(String url, String size, int fps, double seconds, String videoBitrate) {
        return List.of(FFMPEG, "-hide_banner", "-nostats", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + fps,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", String.valueOf(seconds),
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
                "-g", String.valueOf(2 * fps), "-keyint_min", String.valueOf(2 * fps), "-sc_threshold", "0",
                "-b:v", videoBitrate, "-maxrate", videoBitrate, "-bufsize", videoBitrate,
                "-c:a", "aac", "-b:a", "128k", "-ar", "44100", "-ac", "2",
                "-f", "flv", url);
    }

    /** Starts a process with its output in a log file. */
    public static FfmpegProcess start(List<String> command, String name) throws IOException {
        Path log = Files.createTempFile("ringcast-" + name + "-", ".log");
        log.toFile().deleteOnExit(); // read by the test while it runs; /tmp keeps nothing of thousands of runs
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new FfmpegProcess(process, log, String.join(" ", command));
    }

    /** ffprobe's view of a URL: codecs, size, frame rate, as flat "stream.N.key=value" lines. */
    public static Probe probe(String url, int timeoutSeconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(FFPROBE, "-hide_banner", "-v", "error",
                "-rw_timeout", "5000000", "-show_streams", "-of", "flat", url));
        FfmpegProcess p = start(command, "ffprobe");
        if (!p.process().waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.process().destroyForcibly();
            throw new AssertionError("ffprobe did not finish within " + timeoutSeconds + " s: " + p.output());
        }
        return new Probe(p.output(), p.process().exitValue());
    }

    /** A started ffmpeg/ffprobe process and its log. */
    public record FfmpegProcess(Process process, Path log, String commandLine) implements AutoCloseable {
        public String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(log unreadable: " + e.getMessage() + ")";
            }
        }

        /** Waits for exit; returns the exit code, or fails the test on timeout. */
        public int await(long timeoutSeconds) throws InterruptedException {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("did not finish within " + timeoutSeconds + " s: " + commandLine
                        + "\n" + output());
            }
            return process.exitValue();
        }

        /**
         * For an ffmpeg writing {@code -f framecrc -} with its log: decoded frames of stream 0 and stream 1 (the
         * "0," and "1," lines). Fails the test on any other line: with {@code -v error} that is a decoder error.
         */
        public long[] decodedFramesPerStream() {
            long[] counts = new long[2];
            String text = output();
            for (String line : text.lines().toList()) {
                if (line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("0,")) {
                    counts[0]++;
                } else if (line.startsWith("1,")) {
                    counts[1]++;
                } else {
                    throw new AssertionError(commandLine + " printed: " + line + "\n" + text);
                }
            }
            return counts;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Parsed ffprobe -of flat output. */
    public record Probe(String output, int exitCode) {
        /** Value of {@code streams.stream.N.key} for the first stream whose codec_type is {@code type}. */
        public String get(String type, String key) {
            Matcher m = Pattern.compile("streams\\.stream\\.(\\d+)\\.codec_type=\"" + type + "\"").matcher(output);
            if (!m.find()) {
                return null;
            }
            Matcher v = Pattern.compile("streams\\.stream\\." + m.group(1) + "\\." + Pattern.quote(key)
                    + "=\"?([^\"\\n]*)\"?").matcher(output);
            return v.find() ? v.group(1) : null;
        }
    }
}
