package io.ringcast.perf.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One process started inside a namespace host ({@code ip netns exec rc-HOST ...}, which execs the command, so the
 * process is the command itself), its output in a log file; owned by the test thread. {@link #kill9} and
 * {@link #close} end it and what it started, by process id.
 */
final class HostProcess implements AutoCloseable {
    private static final int TAIL_CHARS = 6_000;
    private static final long STOP_WAIT_S = 10;

    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;

    private HostProcess(String name, List<String> command, Path log) {
        this.name = name;
        this.command = command;
        this.log = log;
    }

    /** Starts {@code command} inside {@code host} in the log's folder, its output appended to {@code log}. */
    static HostProcess start(String name, String host, List<String> command, Path log) {
        HostProcess started = new HostProcess(name, Netns.inside(host, command), log);
        started.restart();
        return started;
    }

    /** Starts the same command again (after {@link #kill9}), appending to the same log. */
    void restart() {
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command).directory(log.getParent().toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** SIGKILL to the process and its descendants (an encoder loop's ffmpeg), waiting until it is gone. */
    void kill9() {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(STOP_WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    /** Everything logged so far. */
    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    /** The log's end, for failure messages. */
    String logTail() {
        String text = logText();
        return "---- " + name + " (" + log + ") ----\n"
                + (text.length() > TAIL_CHARS ? "..." + text.substring(text.length() - TAIL_CHARS) : text);
    }

    /** SIGTERM, then SIGKILL after a while; the process's descendants get SIGKILL. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_WAIT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_WAIT_S, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
