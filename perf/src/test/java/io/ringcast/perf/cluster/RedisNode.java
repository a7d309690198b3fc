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
 * A real {@code redis-server} (Debian's package) in its own namespace host, listening on the host's address port
 * 6379 without persistence (a restart comes back empty, as after a crash without AOF); owned by the test thread.
 * Commands for assertions go through {@code redis-cli} from the machine, over the bridge.
 */
final class RedisNode implements AutoCloseable {
    static final String REDIS_SERVER = "/usr/bin/redis-server";
    static final int PORT = 6379;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final String address;
    private final HostProcess process;

    private RedisNode(String address, HostProcess process) {
        this.address = address;
        this.process = process;
    }

    static RedisNode start(String host, String address, Path folder) {
        if (!Files.isExecutable(Path.of(REDIS_SERVER))) {
            throw new AssertionError("redis-server is not installed (" + REDIS_SERVER
                    + "; apt-get install redis-server)");
        }
        Path dir = folder.resolve(host);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisNode redis = new RedisNode(address, HostProcess.start("redis", host, List.of(REDIS_SERVER,
                "--bind", address, "--port", Integer.toString(PORT), "--save", "", "--appendonly", "no",
                "--protected-mode", "no", "--dir", dir.toString()), dir.resolve("redis.log")));
        redis.awaitUp();
        return redis;
    }

    private void awaitUp() {
        Await.until("redis answers PING on " + address, START_TIMEOUT, () -> "PONG".equals(tryCommand("PING")));
    }

    String url() {
        return "redis://" + address + ":" + PORT;
    }

    /** SIGKILL: an outage. */
    void kill9() {
        process.kill9();
    }

    /** Starts Redis again (empty) and waits until it answers. */
    void restart() {
        process.restart();
        awaitUp();
    }

    /** A command through redis-cli ({@code --raw}); its output trimmed. Fails when redis-cli does. */
    String command(String... args) {
        List<String> line = new ArrayList<>(List.of("redis-cli", "-h", address, "-p", Integer.toString(PORT),
                "--raw"));
        line.addAll(List.of(args));
        return Netns.run(line, 20).trim();
    }

    /** Like {@link #command} but null when Redis cannot be reached (for awaiting it). */
    String tryCommand(String... args) {
        try {
            String reply = command(args);
            return reply.startsWith("Could not connect") ? null : reply;
        } catch (AssertionError e) {
            return null;
        }
    }

    String logTail() {
        return process.logTail();
    }

    @Override
    public void close() {
        process.close();
    }
}
