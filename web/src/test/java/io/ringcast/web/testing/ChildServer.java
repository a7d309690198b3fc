package io.ringcast.web.testing;

import io.ringcast.broadcast.testing.TestConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ringcast server in a child JVM ({@code io.ringcast.web.RingcastMain --config FILE}), as an operator runs it:
 * its configuration from {@link TestConfig} (every listener on 127.0.0.1 port 0), a working folder of its own under
 * the module's {@code target/} (so its default recordings, logs and keys never land beside a running server's), its
 * output written by the OS into {@code server.log} there, and the bound ports read back from that log.
 * Owned by the test thread; {@link #close} stops it (SIGTERM, then SIGKILL) and may be called more than once.
 */
public final class ChildServer implements AutoCloseable {
    /** Glibc's heap checks: a write into freed or overrun malloc memory aborts the JVM instead of passing unseen. */
    public static final Map<String, String> GLIBC_HEAP_CHECKS = Map.of("MALLOC_CHECK_", "3", "MALLOC_PERTURB_", "165");
    private static final Pattern RTMP_LISTENING = Pattern.compile("RTMP listening on [^:]*:(\\d+)");
    private static final Pattern HTTP_LISTENING = Pattern.compile("HTTP listening on [^:]*:(\\d+)");
    private static final long START_TIMEOUT_MS = 30_000;
    private static final long LOG_POLL_MS = 50;
    private static final long STOP_TIMEOUT_MS = 15_000;
    private static final int LOG_TAIL_LINES = 40;
    private static final int LOG_LINE_CHARS = 400;

    private final Process process;
    private final Path workDir;
    private final Path log;
    private int rtmpPort;
    private int httpPort;
    private boolean closed;

    private ChildServer(Process process, Path workDir, Path log) {
        this.process = process;
        this.workDir = workDir;
        this.log = log;
    }

    /** A server to start with {@code config}; set JVM flags, limits and environment on the builder. */
    public static Builder with(TestConfig config) {
        return new Builder(config);
    }

    /** What one child server is started with; used once, by the test thread. */
    public static final class Builder {
        private final TestConfig config;
        private final List<String> jvmFlags = new ArrayList<>();
        private final List<String> commandPrefix = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Path parent = Path.of("target", "child-servers");

        private Builder(TestConfig config) {
            this.config = config;
        }

        /** JVM flags before the main class ({@code -Xmx256m}). */
        public Builder jvmFlags(String... flags) {
            jvmFlags.addAll(List.of(flags));
            return this;
        }

        /** A command that runs the JVM ({@code /usr/bin/prlimit --nofile=256:256}, {@code bash -c 'ulimit ...'}). */
        public Builder commandPrefix(String... command) {
            commandPrefix.addAll(List.of(command));
            return this;
        }

        /** Environment variables of the server process ({@link #GLIBC_HEAP_CHECKS}). */
        public Builder environment(Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        /** The folder the server's working folder is created in (default {@code target/child-servers}). */
        public Builder workUnder(Path folder) {
            parent = folder;
            return this;
        }

        /** Starts the server and waits until it reports its HTTP port (and its RTMP port, when RTMP is on). */
        public ChildServer start() throws IOException, InterruptedException {
            Path workDir = Files.createTempDirectory(Files.createDirectories(parent), "ringcast-").toAbsolutePath();
            Path configFile = config.dataIn(workDir).writeTo(workDir.resolve("server.toml"));
            Path log = workDir.resolve("server.log");
            List<String> command = new ArrayList<>(commandPrefix);
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:ErrorFile=" + workDir.resolve("hs_err_%p.log"),
                    "-Dorg.slf4j.simpleLogger.log.io.ringcast=info"));
            command.addAll(jvmFlags);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.ringcast.web.RingcastMain",
                    "--config", configFile.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            ChildServer server = new ChildServer(builder.start(), workDir, log);
            try {
                server.awaitPorts();
            } catch (AssertionError | IOException | InterruptedException e) {
                server.close();
                throw e;
            }
            return server;
        }
    }


    /** RTMP starts before HTTP: once HTTP is reported, the RTMP line is there too unless RTMP is off. */
    private void awaitPorts() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (httpPort == 0) {
            String text = logText();
            httpPort = port(HTTP_LISTENING, text);
            rtmpPort = port(RTMP_LISTENING, text);
            if (httpPort != 0) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the server exited at startup (" + process.exitValue() + "):\n" + text);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server did not report its ports within " + START_TIMEOUT_MS
                        + " ms:\n" + text);
            }
            Thread.sleep(LOG_POLL_MS); // polling another process's log: there is no condition to wait on
        }
    }


    private static int port(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    /** The bound RTMP port; fails when RTMP is off. */
    public int rtmpPort() {
        if (rtmpPort == 0) {
            throw new IllegalStateException("RTMP did not start:\n" + logTail());
        }
        return rtmpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The server's working folder (its config, log, crash reports and default data). */
    public Path workDir() {
        return workDir;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Bytes the server has written to stdout/stderr so far. */
    public long logBytes() {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the server log " + log, e);
        }
    }

    /** Everything the server logged so far; all of it once the process has ended. */
    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the server log " + log, e);
        }
    }

    /** The log's last lines (long lines cut), with its size: for failure messages. */
    public String logTail() {
        try (var reader = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            List<String> lines = new ArrayList<>();
            String line;
            long count = 0;
            while ((line = reader.readLine()) != null) {
                count++;
                lines.add(line.length() > LOG_LINE_CHARS ? line.substring(0, LOG_LINE_CHARS) + "..." : line);
                if (lines.size() > LOG_TAIL_LINES) {
                    lines.remove(0);
                }
            }
            return "[server log: " + count + " lines, " + logBytes() + " bytes; last " + lines.size() + "]\n"
                    + String.join("\n", lines);
        } catch (IOException e) {
            return "[server log unreadable: " + e + "]";
        }
    }

    /** Alive, or why not: the exit status, the log's tail and the head of any JVM crash report. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        if (process.isAlive()) {
            s.append("server alive (pid ").append(process.pid()).append(")\n");
        } else {
            s.append("server DEAD, exit status ").append(process.exitValue()).append('\n');
        }
        s.append(logTail());
        try (var files = Files.list(workDir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList()) {
                List<String> head = Files.readAllLines(p, StandardCharsets.ISO_8859_1);
                s.append("\n[").append(p).append("]\n")
                        .append(String.join("\n", head.subList(0, Math.min(25, head.size()))));
            }
        } catch (IOException e) {
            s.append("\n[no crash report listing: ").append(e).append(']');
        }
        return s.toString();
    }

    /**
     * Sends SIGTERM and waits for the exit, then SIGKILL if it did not come.
     *
     * @return milliseconds from SIGTERM to exit, or -1 if it had to be killed or was already gone
     */
    public long stop() throws InterruptedException {
        if (!process.isAlive()) {
            return -1;
        }
        long start = System.nanoTime();
        process.destroy();
        if (process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
