package io.ringcast.perf.hostile;

import io.ringcast.perf.load.report.ProcCpu;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ringcast server in a child JVM ({@code io.ringcast.web.RingcastMain}), as an operator runs it: its own process
 * with glibc's heap checks on ({@code MALLOC_CHECK_=3}, {@code MALLOC_PERTURB_=165}), a small heap, a config file
 * binding 127.0.0.1 port 0, and optional {@code ulimit}s. Its output is drained into a log file by a daemon thread;
 * the bound ports are read from its log lines. Owned by the test thread; {@link #close} stops it (SIGTERM, then
 * SIGKILL) and is idempotent.
 */
final class ServerProcess implements AutoCloseable {
    /** RTMP and HTTP on 127.0.0.1, port 0; ends in the [http] section, so [http] keys may follow directly. */
    static final String DEFAULT_LISTENERS = """
            [rtmp]
            address = "127.0.0.1"
            port = 0
            [http]
            address = "127.0.0.1"
            port = 0
            """;
    private static final Pattern RTMP_LISTENING = Pattern.compile("RTMP listening on [^:]*:(\\d+)");
    private static final Pattern HTTP_LISTENING = Pattern.compile("HTTP listening on [^:]*:(\\d+)");
    private static final long START_TIMEOUT_MS = 30_000;
    private static final long STOP_TIMEOUT_MS = 15_000;
    private static final int LOG_TAIL_LINES = 40;

    private final Process process;
    private final Path workDir;
    private final Path log;
    private final AtomicLong logBytes = new AtomicLong();
    private final ProcCpu cpu;
    private int rtmpPort;
    private int httpPort;
    private boolean closed;

    /** Options of one start: extra config text, ulimits (0 = inherit) and extra JVM flags. */
    record Options(String config, int openFilesLimit, long fileSizeLimitKib, List<String> jvmFlags) {
        static Options of(String config) {
            return new Options(config, 0, 0, List.of());
        }

        Options withOpenFilesLimit(int limit) {
            return new Options(config, limit, fileSizeLimitKib, jvmFlags);
        }

        Options withFileSizeLimitKib(long kib) {
            return new Options(config, openFilesLimit, kib, jvmFlags);
        }
    }

    private ServerProcess(Process process, Path workDir, Path log) {
        this.process = process;
        this.workDir = workDir;
        this.log = log;
        this.cpu = new ProcCpu(process.pid(), ProcCpu.clockTicksPerSecond());
    }

    /** Starts a server with {@code config} (must bind RTMP and HTTP on 127.0.0.1 port 0) and waits for its ports. */
    static ServerProcess start(String config) throws IOException, InterruptedException {
        return start(Options.of(config));
    }

    static ServerProcess start(Options options) throws IOException, InterruptedException {
        // Under the module's target/, not /tmp: the server's log and any hs_err file stay for a look after a failure,
        // and a clean build removes them.
        Path workDir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "hostile")),
                "ringcast-hostile-").toAbsolutePath();
        Path configFile = Files.writeString(workDir.resolve("server.toml"), options.config());
        Path log = workDir.resolve("server.log");
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m", "-XX:+UseG1GC", "-XX:ErrorFile=" + workDir.resolve("hs_err_%p.log"),
                "-Dorg.slf4j.simpleLogger.log.io.ringcast=info"));
        java.addAll(options.jvmFlags());
        java.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.ringcast.web.RingcastMain",
                "--config", configFile.toString()));
        List<String> command = new ArrayList<>();
        if (options.openFilesLimit() > 0 || options.fileSizeLimitKib() > 0) {
            StringBuilder limits = new StringBuilder();
            if (options.openFilesLimit() > 0) {
                limits.append("ulimit -n ").append(options.openFilesLimit()).append(" && ");
            }
            if (options.fileSizeLimitKib() > 0) {
                limits.append("ulimit -f ").append(options.fileSizeLimitKib()).append(" && ");
            }
            command.addAll(List.of("bash", "-c", limits + "exec \"$@\"", "bash"));
        }
        command.addAll(java);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().put("MALLOC_CHECK_", "3");
        builder.environment().put("MALLOC_PERTURB_", "165");
        ServerProcess server = new ServerProcess(builder.start(), workDir, log);
        server.drainOutput();
        try {
            server.awaitPorts();
            server.warmUp();
        } catch (AssertionError | IOException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void drainOutput() {
        Thread drain = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = process.getInputStream();
                 OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE,
                         StandardOpenOption.APPEND)) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                    logBytes.addAndGet(n);
                }
            } catch (IOException e) {
                // the process went away; what was read is in the file
            }
        }, "server-log-" + process.pid());
        drain.setDaemon(true);
        drain.start();
    }

    private void awaitPorts() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (rtmpPort == 0 || httpPort == 0) {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            rtmpPort = port(RTMP_LISTENING, text);
            httpPort = port(HTTP_LISTENING, text);
            if (!process.isAlive()) {
                throw new AssertionError("the server exited at startup (" + process.exitValue() + "):\n" + text);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server did not report its ports within 30 s:\n" + text);
            }
            Thread.sleep(50); // polling another process's log: there is no condition to wait on
        }
    }

    /** The first requests initialise servlets and JIT: make them before any test times an answer. */
    private void warmUp() {
        for (String path : List.of("/api/server", "/api/streams", "/", "/api/server")) {
            RawHttp.get(httpPort, path, 10_000);
        }
    }

    private static int port(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    long pid() {
        return process.pid();
    }

    int rtmpPort() {
        return rtmpPort;
    }

    int httpPort() {
        return httpPort;
    }

    Path workDir() {
        return workDir;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Bytes the server has written to stdout/stderr so far. */
    long logBytes() {
        return logBytes.get();
    }

    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** The whole log, or its first and last lines when it is big: for failure messages. */
    String logTail() {
        try {
            List<String> lines = new ArrayList<>();
            try (var reader = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
                String line;
                long count = 0;
                while ((line = reader.readLine()) != null) {
                    count++;
                    lines.add(line.length() > 400 ? line.substring(0, 400) + "..." : line);
                    if (lines.size() > LOG_TAIL_LINES) {
                        lines.remove(0);
                    }
                }
                return "[server log: " + count + " lines, " + logBytes.get() + " bytes; last " + lines.size()
                        + "]\n" + String.join("\n", lines);
            }
        } catch (IOException e) {
            return "[server log unreadable: " + e + "]";
        }
    }

    /** Alive, or why not: the exit status, the log's tail and any JVM crash report. */
    String describe() {
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

    /** Threads of the process now ({@code /proc/PID/task}). */
    int threads() throws IOException {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
            return (int) tasks.count();
        }
    }

    /**
     * The process's threads by name with digits taken out ({@code /proc/PID/task/TID/comm}, at most 15 characters
     * each), counted: what a thread-count difference consists of.
     */
    java.util.SortedMap<String, Integer> threadNames() throws IOException {
        java.util.SortedMap<String, Integer> names = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String comm = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim();
                    names.merge(comm.replaceAll("[0-9]+", "#"), 1, Integer::sum);
                } catch (IOException gone) {
                    // the thread ended while listing
                }
            }
        }
        return names;
    }

    /** Open file descriptors of the process now ({@code /proc/PID/fd}). */
    int fds() throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return (int) fds.count();
        }
    }

    /** CPU seconds (user + system) the process used so far. */
    double cpuSeconds() throws IOException {
        return cpu.cpuSeconds();
    }

    /** Runs a full GC in the server ({@code jcmd PID GC.run}). */
    void gc() throws IOException, InterruptedException {
        Jcmd.run(pid(), "GC.run");
    }

    /** The used Java heap in bytes, as {@code jcmd PID GC.heap_info} reports it (G1: "total N, used MK"). */
    long heapUsedBytes() throws IOException, InterruptedException {
        return Jcmd.heapUsedBytes(pid());
    }

    /** The committed Java heap in bytes ("garbage-first heap total NK"). */
    long heapCommittedBytes() throws IOException, InterruptedException {
        return Jcmd.heapCommittedBytes(pid());
    }

    /** One snapshot of threads, fds and heap used after a full GC. */
    Resources resourcesAfterGc() throws IOException, InterruptedException {
        gc();
        return new Resources(threads(), fds(), heapUsedBytes());
    }

    /** Threads, fds and heap of the server at one moment. */
    record Resources(int threads, int fds, long heapUsedBytes) {
        @Override
        public String toString() {
            return "threads " + threads + ", fds " + fds + ", heap used " + (heapUsedBytes >> 20) + " MiB";
        }
    }

    /**
     * Sends SIGTERM and waits for the exit, then SIGKILL if it did not come.
     *
     * @return milliseconds from SIGTERM to exit, or -1 if it had to be killed or was already gone
     */
    long stop() throws InterruptedException {
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
