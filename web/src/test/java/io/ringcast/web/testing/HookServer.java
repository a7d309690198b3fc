package io.ringcast.web.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An operator's hook service for tests: a JDK {@link HttpServer} on 127.0.0.1 (port 0) that records every call
 * (path, Content-Type, body) and answers as the test's function says: a status, an optional {@code Location}, a
 * body, after a delay (scheduled, no thread held), or never ({@link Reply#HANG}: the exchange is kept open until
 * {@link #close}). Thread-safe; the test thread creates and closes it.
 */
public final class HookServer implements AutoCloseable {
    /** One answer. {@code delayMs} 0 answers at once; {@code hang} never answers. */
    public record Reply(int status, String location, String body, long delayMs, boolean hang) {
        public static final Reply HANG = new Reply(0, null, "", 0, true);

        public static Reply of(int status, String body) {
            return new Reply(status, null, body, 0, false);
        }

        public static Reply redirect(String location) {
            return new Reply(302, location, "", 0, false);
        }

        public Reply after(long ms) {
            return new Reply(status, location, body, ms, hang);
        }
    }

    /** One call as received: its path ("/publish"), Content-Type and body. */
    public record Call(String path, String contentType, String body) {
        /** The form fields of an nginx-rtmp-shaped call (the last value of a repeated name). */
        public Map<String, String> form() {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return fields;
        }
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(32);
    private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<HttpExchange> hanging = new ConcurrentLinkedQueue<>();
    private volatile Function<Call, Reply> answer;

    private HookServer(Function<Call, Reply> answer) throws IOException {
        this.answer = answer;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2048);
        server.createContext("/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    public static HookServer start(Function<Call, Reply> answer) throws IOException {
        return new HookServer(answer);
    }

    /** Replaces the answering function. */
    public void answer(Function<Call, Reply> function) {
        this.answer = function;
    }

    /** {@code http://127.0.0.1:PORT/path}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls made to {@code path}. */
    public List<Call> calls(String path) {
        return calls.stream().filter(c -> c.path().equals(path)).toList();
    }

    // A delayed answer's future is not needed: send() handles its own failure.
    @SuppressWarnings("FutureReturnValueIgnored")
    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Call call = new Call(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Content-Type"),
                body);
        calls.add(call);
        Reply reply = answer.apply(call);
        if (reply.hang()) {
            hanging.add(exchange);
            return;
        }
        if (reply.delayMs() > 0) {
            delays.schedule(() -> handlers.execute(() -> send(exchange, reply)), reply.delayMs(),
                    TimeUnit.MILLISECONDS);
        } else {
            send(exchange, reply);
        }
    }

    private static void send(HttpExchange exchange, Reply reply) {
        try (exchange) {
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            if (reply.location() != null) {
                exchange.getResponseHeaders().add("Location", reply.location());
            }
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (IOException e) {
            // the caller gave up (its timeout): nothing to answer
        }
    }

    @Override
    public void close() {
        server.stop(0);
        HttpExchange e;
        while ((e = hanging.poll()) != null) {
            e.close();
        }
        delays.shutdownNow();
        handlers.shutdownNow();
    }
}
