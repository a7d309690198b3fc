package io.ringcast.perf.cluster;

import io.ringcast.broadcast.testing.Await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One ringcast JVM in its own namespace host ({@code ip netns exec rc-HOST java ... RingcastMain --config FILE}),
 * with the test JVM's class path, a small heap and the serial collector; owned by the test thread.
 */
final class Node implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final String host;
    private final String address;
    private final HostProcess process;

    private Node(String host, String address, HostProcess process) {
        this.host = host;
        this.address = address;
        this.process = process;
    }

    /** Writes the config into {@code folder}/{@code host}/ and starts the node there; waits until HTTP answers. */
    static Node start(String host, String address, NodeConfig config, Path folder) {
        Path dir = folder.resolve(host);
        Path configFile = dir.resolve("server.toml");
        try {
            Files.createDirectories(dir);
            Files.writeString(configFile, config.text());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + configFile, e);
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"), "-Dorg.slf4j.simpleLogger.log.io.ringcast=info",
                "-cp", System.getProperty("java.class.path"), "io.ringcast.web.RingcastMain",
                "--config", configFile.toString()));
        Node node = new Node(host, address, HostProcess.start(host, host, command, dir.resolve("server.log")));
        node.awaitStarted();
        return node;
    }

    private void awaitStarted() {
        try {
            Await.until(host + " serves HTTP on " + address, START_TIMEOUT, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError(host + " exited at startup:\n" + process.logTail());
                }
                return process.logText().contains("HTTP listening on") && Http.answers(address, "/api/server");
            });
        } catch (AssertionError e) {
            process.close();
            throw new AssertionError(e.getMessage() + "\n" + process.logTail(), e);
        }
    }

    /** Starts the node again with the same configuration (after {@link #kill9}). */
    void restart() {
        process.restart();
        awaitStarted();
    }

    String host() {
        return host;
    }

    String address() {
        return address;
    }

    String rtmpUrl(String path) {
        return "rtmp://" + address + ":" + NodeConfig.RTMP_PORT + "/" + path;
    }

    String httpUrl(String target) {
        return "http://" + address + ":" + NodeConfig.HTTP_PORT + target;
    }

    /** SIGKILL, as a crashed host. */
    void kill9() {
        process.kill9();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String logText() {
        return process.logText();
    }

    String logTail() {
        return process.logTail();
    }

    @Override
    public void close() {
        process.close();
    }
}
