package io.ringcast.broadcast.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package) run as a child process of the test, bound to one loopback address
 * and a free ephemeral port, with no persistence and its files in a temporary folder; driven by the test thread.
 *
 * <pre>{@code
 * RedisServer redis = cleanup.add(RedisServer.start());
 * String url = redis.url();                 // redis://127.0.0.1:PORT
 * redis.kill9(); redis.restart();           // outage tests (same port, empty data)
 * String reply = redis.command("GET", "k"); // a raw command over RESP, for assertions
 * }</pre>
 *
 * {@link #close()} kills the process and deletes the folder. A machine without redis-server fails the test with the
 * package to install (.ci/run installs it).
 */
public final class RedisServer implements AutoCloseable {
    public static final String REDIS_SERVER = "/usr/bin/redis-server";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final int TIMEOUT_MS = 5_000;

    private final String address;
    private final String password;
    private final Path folder;
    private int port;
    private Process process;

    private RedisServer(String address, String password) {
        this.address = address;
        this.password = password;
        this.folder = TempFolders.create("ringcast-redis");
    }

    /** A Redis on 127.0.0.1, no password. */
    public static RedisServer start() {
        return start("127.0.0.1", "");
    }

    /** A Redis on {@code address} (a loopback address), with {@code requirepass} unless the password is "". */
    public static RedisServer start(String address, String password) {
        RedisServer redis = new RedisServer(address, password);
        try {
            if (!new File(REDIS_SERVER).canExecute()) {
                throw new AssertionError("redis-server is not installed (" + REDIS_SERVER
                        + "): apt-get install redis-server");
            }
            redis.port = freePort(address);
            if (!redis.launch()) {
                redis.port = freePort(address);
                if (!redis.launch()) {
                    throw new AssertionError("redis-server did not start on " + address + ":" + redis.port + "\n"
                            + redis.log());
                }
            }
            return redis;
        } catch (RuntimeException | Error e) {
            redis.close();
            throw e;
        }
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    /** {@code redis://[:password@]ADDRESS:PORT}, as {@code [cluster] directory} takes it. */
    public String url() {
        return "redis://" + (password.isEmpty() ? "" : ":" + password + "@") + address + ":" + port;
    }

    /** True while the process runs. */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Kills the process with SIGKILL and waits for its end (clients see their connections drop). */
    public void kill9() {
        if (process != null) {
            process.destroyForcibly();
            waitForExit(process);
        }
    }

    /** Starts it again on the same address and port (empty: no persistence), after {@link #kill9()}. */
    public void restart() {
        kill9();
        if (!launch()) {
            throw new AssertionError("redis-server did not restart on " + address + ":" + port + "\n" + log());
        }
    }

    /**
     * Sends one command (RESP array of bulk strings) on a new connection and returns the reply as text: simple
     * strings and bulk strings as they are, integers as digits, a nil as null, arrays as their elements joined by
     * newlines, errors as "ERR ..." text.
     */
    public String command(String... args) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            if (!password.isEmpty()) {
                out.write(encode("AUTH", password));
            }
            out.write(encode(args));
            out.flush();
            InputStream in = socket.getInputStream();
            if (!password.isEmpty()) {
                readReply(in);
            }
            return readReply(in);
        } catch (IOException e) {
            throw new UncheckedIOException("redis " + address + ":" + port + " " + String.join(" ", args), e);
        }
    }

    /** The server's log, for failure messages. */
    public String log() {
        try {
            Path file = folder.resolve("redis.log");
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(cannot read redis.log: " + e + ")";
        }
    }

    /** Kills the process and deletes the folder; may be called again. */
    @Override
    public void close() {
        kill9();
        TempFolders.delete(folder);
    }

    private boolean launch() {
        List<String> command = new ArrayList<>(List.of(REDIS_SERVER, "--bind", address, "--port",
                Integer.toString(port), "--save", "", "--appendonly", "no", "--dir", folder.toString(),
                "--logfile", folder.resolve("redis.log").toString(), "--daemonize", "no", "--protected-mode", "no"));
        if (!password.isEmpty()) {
            command.add("--requirepass");
            command.add(password);
        }
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(folder.resolve("stdout.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + REDIS_SERVER, e);
        }
        Process started = process;
        Await.until("redis-server on " + address + ":" + port + " answering PING or exited", START_TIMEOUT,
                () -> !started.isAlive() || answersPing(), this::log);
        return started.isAlive();
    }

    private boolean answersPing() {
        try {
            return "PONG".equals(command("PING"));
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private static byte[] encode(String... args) {
        StringBuilder b = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String readReply(InputStream in) throws IOException {
        String line = readLine(in);
        char type = line.isEmpty() ? '?' : line.charAt(0);
        String rest = line.substring(1);
        switch (type) {
            case '+':
            case ':':
                return rest;
            case '-':
                return rest;
            case '$': {
                int length = Integer.parseInt(rest);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(rest);
                List<String> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(readReply(in));
                }
                return String.join("\n", items);
            }
            default:
                throw new IOException("not a RESP reply: " + line);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        if (c < 0 && b.length() == 0) {
            throw new IOException("connection closed");
        }
        return b.toString();
    }

    private static void waitForExit(Process p) {
        try {
            if (!p.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("redis-server did not exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort(String address) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(address, 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
