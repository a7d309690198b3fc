package io.ringcast.perf.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What a user sees of a healthy server, asserted from outside the process: it is alive, {@code GET /api/server}
 * answers 200 within a second, a new HTTP-FLV viewer gets its first bytes; and what a refused client must not see
 * (a stack trace). Stateless; test thread.
 */
final class Health {
    static final long ANSWER_MS = 1_000;

    private Health() {
    }

    /** The server process is alive and answers {@code GET /api/server} with 200 within 1 s. */
    static RawHttp.Answer assertResponsive(ServerProcess server, String when) {
        assertTrue(server.isAlive(), when + ": " + server.describe());
        RawHttp.Answer answer = RawHttp.get(server.httpPort(), "/api/server", 5_000);
        assertEquals(200, answer.status(), when + ": GET /api/server " + answer + "\n" + server.describe());
        assertTrue(answer.elapsedMs() <= ANSWER_MS, when + ": GET /api/server took " + answer.elapsedMs() + " ms");
        return answer;
    }

    /**
     * A new HTTP-FLV viewer of {@code path} (e.g. "/live/x.flv") from the healthy address gets 200 and the FLV
     * signature within {@code withinMs}; returns the milliseconds it took, or fails.
     */
    static long assertFlvViewerServed(ServerProcess server, String path, long withinMs) throws IOException {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(RawHttp.HEALTHY_ADDRESS, 0));
            s.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), (int) withinMs);
            s.setSoTimeout((int) withinMs);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String seen = readUntilFlvSignature(s.getInputStream(), 64 * 1024);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(seen.startsWith("HTTP/1.1 200") && seen.contains("FLV"), "viewer of " + path + " got: "
                    + seen.substring(0, Math.min(300, seen.length())));
            assertTrue(ms <= withinMs, "first FLV bytes after " + ms + " ms");
            return ms;
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("a new HTTP-FLV viewer of " + path + " got nothing within " + withinMs
                    + " ms\n" + server.describe(), e);
        }
    }

    private static String readUntilFlvSignature(InputStream in, int maxBytes) throws IOException {
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (seen.length() < maxBytes) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            seen.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            int body = seen.indexOf("\r\n\r\n");
            if (body >= 0 && seen.indexOf("FLV", body) >= 0) {
                break;
            }
        }
        return seen.toString();
    }

    /**
     * The sum of every refusal counter {@code GET /api/server} shows (any numeric field whose name says
     * "refused", at any depth): how many clients the server says it turned away.
     */
    static long refusalsReported(ServerProcess server) throws IOException {
        RawHttp.Answer answer = RawHttp.get(server.httpPort(), "/api/server", 5_000);
        if (answer.status() != 200) {
            return -1;
        }
        return sumRefused(new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.body()), false);
    }

    private static long sumRefused(com.fasterxml.jackson.databind.JsonNode node, boolean under) {
        long sum = 0;
        for (var it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            boolean refused = under || e.getKey().toLowerCase(java.util.Locale.ROOT).contains("refused");
            if (e.getValue().isNumber() && refused) {
                sum += e.getValue().asLong();
            } else if (e.getValue().isObject()) {
                sum += sumRefused(e.getValue(), refused);
            }
        }
        return sum;
    }

    /** A body a client may see: no Java stack trace, exception class or exception text. */
    static void assertNoStackTrace(RawHttp.Answer answer, String what) {
        String body = answer.text();
        assertFalse(body.contains("\tat ") || body.contains("at io.ringcast.") || body.contains("at java.")
                || body.matches("(?s).*\\b[a-z]+(\\.[a-z0-9_]+)+\\.[A-Z]\\w*(Exception|Error)\\b.*")
                || body.contains("Exception:"), what + " shows an exception: " + answer + exceptionLine(body));
    }

    private static String exceptionLine(String body) {
        return body.lines().filter(l -> l.contains("Exception") || l.contains("\tat ")).limit(3)
                .reduce("", (a, b) -> a + "\n    | " + b.trim());
    }

    /** Waits until {@code condition} holds; fails with {@code what} after {@code timeout}. */
    static void awaitUntil(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
            }
            Thread.sleep(50); // polling another process: there is no condition object to wait on
        }
    }
}
