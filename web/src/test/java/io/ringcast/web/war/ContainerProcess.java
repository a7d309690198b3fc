package io.ringcast.web.war;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real servlet container (a distribution unpacked by the build) running in its own JVM on loopback, with a
 * private base directory under {@code target/}. Driven by one test thread.
 */
abstract class ContainerProcess implements AutoCloseable {
    private static final long STOP_TIMEOUT_S = 20;

    protected final Path home;
    protected final Path base;
    protected final int httpPort;
    private final Path consoleLog;
    private Process process;

    protected ContainerProcess(Path home, Path base) throws IOException {
        if (!Files.isDirectory(home)) {
            throw new IllegalStateException("container distribution missing at " + home
                    + " (unpacked by maven-dependency-plugin in pre-integration-test; run mvn verify)");
        }
        this.home = home;
        this.base = base;
        deleteRecursively(base);
        Files.createDirectories(base);
        this.httpPort = freeLoopbackPort();
        this.consoleLog = base.resolve("console.log");
    }

    /** Human-readable name, e.g. "Tomcat 10.1.59". */
    abstract String name();

    /** Directory the container deploys WARs from: {@code webapps/} in the base directory, for both containers. */
    final Path webapps() {
        return base.resolve("webapps");
    }

    /** The distribution's version: the name of its home directory without the distribution's prefix. */
    final String homeVersion(String distributionPrefix) {
        return home.getFileName().toString().replace(distributionPrefix, "");
    }

    /** The command line starting the container with these system properties ({@code -Dk=v}). */
    protected abstract List<String> command(List<String> systemProperties) throws IOException;

    /** Starts the container's JVM; its stdout and stderr go to {@code console.log} in the base directory. */
    final void start(List<String> systemProperties) throws IOException {
        process = new ProcessBuilder(command(systemProperties)).directory(base.toFile())
                .redirectErrorStream(true).redirectOutput(consoleLog.toFile()).start();
    }

    final int httpPort() {
        return httpPort;
    }

    final long pid() {
        return process.pid();
    }

    final boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Deploys a WAR by moving it into webapps in one step, so the scanner never sees half a file. */
    final void deploy(Path war, String contextName) throws IOException {
        Path staged = base.resolve(contextName + ".war.staged");
        Files.copy(war, staged, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, webapps().resolve(contextName + ".war"), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes the WAR from webapps: the container's scanner undeploys it. */
    final void undeploy(String contextName) throws IOException {
        Files.deleteIfExists(webapps().resolve(contextName + ".war"));
    }

    /** Every log the container wrote so far: its console and the files in {@code logs/}. */
    final String logs() {
        StringBuilder all = new StringBuilder();
        List<Path> files = new ArrayList<>(List.of(consoleLog));
        Path logs = base.resolve("logs");
        if (Files.isDirectory(logs)) {
            try (Stream<Path> s = Files.list(logs)) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (Path f : files) {
            try {
                all.append("==> ").append(base.relativize(f)).append(" <==\n")
                        .append(Files.exists(f) ? Files.readString(f) : "").append('\n');
            } catch (IOException e) {
                all.append("(unreadable: ").append(e.getMessage()).append(")\n");
            }
        }
        return all.toString();
    }

    /** The container JVM's thread names (jcmd Thread.print), one per line. */
    final List<String> threadNames() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "Thread.print")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("jcmd Thread.print failed: " + out);
        }
        return out.lines().filter(l -> l.startsWith("\"")).map(l -> l.substring(1, l.indexOf('"', 1))).toList();
    }

    /** Stops the container gracefully (SIGTERM runs its shutdown hook), forcibly after a bounded wait. */
    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT_S, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(STOP_TIMEOUT_S, TimeUnit.SECONDS);
        }
    }

    static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The start of a container's command line, to append to: this JDK's java with the heap every container gets. */
    static List<String> javaCommand() {
        return new ArrayList<>(List.of(java(), "-Xmx512m"));
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
