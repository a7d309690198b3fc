package io.ringcast.perf.cluster;

import io.ringcast.broadcast.testing.Ffmpeg;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ffmpeg as a viewer inside a namespace host: decodes {@code seconds} of a URL (HTTP-FLV, RTMP or HLS) to nothing
 * ({@code -v error ... -f null -}) and reports the exit code, the errors printed and the video frames decoded.
 */
final class Decoder {
    private static final Pattern FRAME = Pattern.compile("(?m)^frame=(\\d+)$");
    private static final long SLACK_S = 25;

    private Decoder() {
    }

    /** What one decode run gave. */
    record Result(String url, int exitCode, String errors, long frames) {
        /** Exit 0, no error printed and at least {@code minFrames} video frames. */
        boolean clean(long minFrames) {
            return exitCode == 0 && errors.isBlank() && frames >= minFrames;
        }

        @Override
        public String toString() {
            return url + ": exit " + exitCode + ", " + frames + " frames" + (errors.isBlank() ? "" : ", errors:\n"
                    + errors);
        }
    }

    /** Decodes {@code seconds} of {@code url} inside {@code host}; bounded by the seconds plus a margin. */
    static Result decode(String host, String url, int seconds) {
        List<String> command = List.of("timeout", "-s", "KILL", Long.toString(seconds + SLACK_S),
                "bash", "-c", Ffmpeg.FFMPEG + " -hide_banner -nostats -v error -rw_timeout 10000000 -i '" + url
                        + "' -t " + seconds + " -map 0:v -f null -progress pipe:1 -"
                        + " | grep '^frame=' ; exit ${PIPESTATUS[0]}");
        ProcessBuilder builder = new ProcessBuilder(Netns.inside(host, command));
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            java.util.concurrent.CompletableFuture<byte[]> errors = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return process.getErrorStream().readAllBytes();
                        } catch (java.io.IOException e) {
                            return e.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        }
                    });
            String progress = new String(process.getInputStream().readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            int exit = process.waitFor();
            long frames = 0;
            Matcher m = FRAME.matcher(progress);
            while (m.find()) {
                frames = Long.parseLong(m.group(1));
            }
            return new Result(url, exit, new String(errors.join(), java.nio.charset.StandardCharsets.UTF_8), frames);
        } catch (java.io.IOException e) {
            return new Result(url, -1, e.toString(), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(url, -1, "interrupted", 0);
        }
    }
}
