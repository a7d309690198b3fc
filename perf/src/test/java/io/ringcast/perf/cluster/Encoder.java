package io.ringcast.perf.cluster;

import io.ringcast.broadcast.testing.Ffmpeg;

import java.nio.file.Path;
import java.util.List;

/**
 * An encoder in its own namespace host as operators run one: a shell loop that publishes the {@link Media} file
 * ({@code ffmpeg -stream_loop -1 -re -i FILE -c copy -f flv URL}) to the first URL, and to the next one whenever
 * ffmpeg exits (a refused publish, a dead origin), round and round. Each attempt's end is logged with its time.
 */
final class Encoder implements AutoCloseable {
    private final HostProcess process;

    private Encoder(HostProcess process) {
        this.process = process;
    }

    /** Starts the loop inside {@code host} over {@code urls}; its log is {@code folder}/{@code name}.log. */
    static Encoder start(String name, String host, List<String> urls, Path folder) {
        String script = """
                while true; do
                  for url in "$@"; do
                    echo "$(date +%%s%%3N) encoder: publishing to $url"
                    %s -hide_banner -nostats -loglevel warning -re -stream_loop -1 -i '%s' -c copy -f flv "$url"
                    rc=$?
                    echo "$(date +%%s%%3N) encoder: ffmpeg to $url exited $rc"
                    sleep 0.2
                  done
                done
                """.formatted(Ffmpeg.FFMPEG, Media.file());
        List<String> command = new java.util.ArrayList<>(List.of("bash", "-c", script, name));
        command.addAll(urls);
        return new Encoder(HostProcess.start(name, host, command, folder.resolve(name).resolve("encoder.log")));
    }

    /** The encoder's log: one line per attempt and ffmpeg's warnings. */
    String logText() {
        return process.logText();
    }

    String logTail() {
        return process.logTail();
    }

    /** SIGKILL to the loop and its ffmpeg. */
    void kill9() {
        process.kill9();
    }

    @Override
    public void close() {
        process.kill9();
    }
}
