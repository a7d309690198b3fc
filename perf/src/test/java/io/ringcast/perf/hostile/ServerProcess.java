package io.ringcast.perf.hostile;

import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.perf.load.report.ProcCpu;
import io.ringcast.web.testing.ChildServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A hostile test's ringcast server: a {@link ChildServer} (a child JVM as an operator runs it, every listener on
 * 127.0.0.1 port 0) with glibc's heap checks on ({@code MALLOC_CHECK_=3}, {@code MALLOC_PERTURB_=165}), a 512 MiB
 * heap (G1 unless the options pick a collector), optional {@code ulimit}s, its working folder under
 * {@code target/hostile}, and warmed up; plus what the hostile tests measure of it (threads, descriptors, CPU, heap).
 * Owned by the test thread; {@link #close} stops it (SIGTERM, then SIGKILL) and is idempotent.
 */
final class ServerProcess implements AutoCloseable {
    private final ChildServer server;
    private final ProcCpu cpu;

    /** Options of one start: the configuration, ulimits (0 = inherit) and extra JVM flags. */
    record Options(TestConfig config, int openFilesLimit, long fileSizeLimitKib, List<String> jvmFlags) {
        static Options of(TestConfig config) {
            return new Options(config, 0, 0, List.of());
        }

        Options withOpenFilesLimit(int limit) {
            return new Options(config, limit, fileSizeLimitKib, jvmFlags);
        }

        Options withFileSizeLimitKib(long kib) {
            return new Options(config, openFilesLimit, kib, jvmFlags);
        }

        Options withJvmFlags(String... flags) {
            return new Options(config, openFilesLimit, fileSizeLimitKib, List.of(flags));
        }
    }

    private ServerProcess(ChildServer server) {
        this.server = server;
        this.cpu = new ProcCpu(server.pid(), ProcCpu.clockTicksPerSecond());
    }

    /** Starts a server with the test's keys ({@code [rtmp]}, {@code [http]} merged onto loopback, port 0). */
    static ServerProcess start(String config) throws IOException, InterruptedException {
        return start(Options.of(TestConfig.loopback().toml(config)));
    }

    static ServerProcess start(Options options) throws IOException, InterruptedException {
        ChildServer.Builder builder = ChildServer.with(options.config())
                // Under the module's target/, not /tmp: the server's log and any hs_err file stay for a look after
                // a failure, and a clean build removes them.
                .workUnder(Path.of("target", "hostile"))
                .environment(ChildServer.GLIBC_HEAP_CHECKS)
                .jvmFlags("-Xmx512m")
                .jvmFlags(options.jvmFlags().stream().anyMatch(f -> f.matches("-XX:\\+Use\\w*GC"))
                        ? new String[0] : new String[]{"-XX:+UseG1GC"})
                .jvmFlags(options.jvmFlags().toArray(String[]::new));
        if (options.openFilesLimit() > 0 || options.fileSizeLimitKib() > 0) {
            StringBuilder limits = new StringBuilder();
            if (options.openFilesLimit() > 0) {
                limits.append("ulimit -n ").append(options.openFilesLimit()).append(" && ");
            }
            if (options.fileSizeLimitKib() > 0) {
                limits.append("ulimit -f ").append(options.fileSizeLimitKib()).append(" && ");
            }
            builder.commandPrefix("bash", "-c", limits + "exec \"$@\"", "bash");
        }
        ServerProcess server = new ServerProcess(builder.start());
        try {
            server.warmUp();
        } catch (AssertionError | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The first requests initialise servlets and JIT: make them before any test times an answer. */
    private void warmUp() {
        for (String path : List.of("/api/server", "/api/streams", "/", "/api/server")) {
            RawHttp.get(httpPort(), path, 10_000);
        }
    }

    long pid() {
        return server.pid();
    }

    int rtmpPort() {
        return server.rtmpPort();
    }

    int httpPort() {
        return server.httpPort();
    }

    Path workDir() {
        return server.workDir();
    }

    boolean isAlive() {
        return server.isAlive();
    }

    /** Bytes the server has written to stdout/stderr so far. */
    long logBytes() {
        return server.logBytes();
    }

    String logText() {
        return server.logText();
    }

    /** The log's last lines: for failure messages. */
    String logTail() {
        return server.logTail();
    }

    /** Alive, or why not: the exit status, the log's tail and any JVM crash report. */
    String describe() {
        return server.describe();
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
        return server.stop();
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }
}
