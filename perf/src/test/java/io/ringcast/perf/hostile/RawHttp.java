package io.ringcast.perf.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP/1.1 client over a plain socket, bound to a chosen loopback source address so per-address limits
 * count it where the test wants: one request with {@code Connection: close}, the answer read whole (Content-Length,
 * chunked, or to the end) within a deadline. Never throws for a slow or refused server: the {@link Answer} says what
 * happened and how long it took. Stateless; any thread.
 */
final class RawHttp {
    static final String HEALTHY_ADDRESS = "127.0.0.1";
    private static final int MAX_BODY_BYTES = 4 << 20;

    private RawHttp() {
    }

    /**
     * One answer: {@code status} 0 when none came (then {@code error} says why), the head's fields (names lower
     * case), the body, and the time from connect to the last byte.
     */
    record Answer(int status, Map<String, String> headers, byte[] body, long elapsedMs, String error) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        boolean answeredWithin(long ms) {
            return status > 0 && elapsedMs <= ms;
        }

        @Override
        public String toString() {
            String b = text();
            return (status == 0 ? "no answer (" + error + ")" : "HTTP " + status) + " after " + elapsedMs + " ms"
                    + (b.isEmpty() ? "" : ": " + (b.length() > 300 ? b.substring(0, 300) + "..." : b));
        }
    }

    static Answer get(int port, String path, long timeoutMs) {
        return request(HEALTHY_ADDRESS, port, "GET", path, Map.of(), timeoutMs);
    }

    /** The status line and head only (for endless bodies such as HTTP-FLV); the body is left unread. */
    static Answer head(int port, String path, Map<String, String> headers, long timeoutMs) {
        return request(HEALTHY_ADDRESS, port, "GET", path, headers, timeoutMs, false);
    }

    static Answer request(String localAddress, int port, String method, String path, Map<String, String> headers,
                          long timeoutMs) {
        return request(localAddress, port, method, path, headers, timeoutMs, true);
    }

    private static Answer request(String localAddress, int port, String method, String path,
                                  Map<String, String> headers, long timeoutMs, boolean readBody) {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeoutMs);
            StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            socket.getOutputStream().write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            DeadlineInput in = new DeadlineInput(socket, deadline);
            String statusLine = in.line();
            if (statusLine == null) {
                return new Answer(0, Map.of(), new byte[0], elapsedMs(start), "closed without an answer");
            }
            String[] parts = statusLine.split(" ", 3);
            int status = Integer.parseInt(parts[1]);
            Map<String, String> fields = new LinkedHashMap<>();
            String line;
            while ((line = in.line()) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim());
                }
            }
            byte[] body = !readBody || method.equals("HEAD") || status == 204 || status == 304 ? new byte[0]
                    : in.body(fields);
            return new Answer(status, fields, body, elapsedMs(start), null);
        } catch (IOException | RuntimeException e) {
            return new Answer(0, Map.of(), new byte[0], elapsedMs(start), e.toString());
        }
    }

    private static long elapsedMs(long startNs) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }

    /** Reads lines and bodies from a socket, every read bounded by one deadline. */
    private static final class DeadlineInput {
        private final Socket socket;
        private final InputStream in;
        private final long deadlineNs;

        DeadlineInput(Socket socket, long deadlineNs) throws IOException {
            this.socket = socket;
            this.in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
            this.deadlineNs = deadlineNs;
        }

        private int read() throws IOException {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            if (leftMs <= 0) {
                throw new java.net.SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout((int) leftMs);
            return in.read();
        }

        String line() throws IOException {
            StringBuilder s = new StringBuilder();
            int c;
            while ((c = read()) >= 0) {
                if (c == '\n') {
                    int n = s.length();
                    return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
                }
                s.append((char) c);
            }
            return s.length() == 0 ? null : s.toString();
        }

        byte[] body(Map<String, String> fields) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if ("chunked".equalsIgnoreCase(fields.get("transfer-encoding"))) {
                while (true) {
                    String size = line();
                    if (size == null) {
                        break;
                    }
                    int semicolon = size.indexOf(';');
                    int n = Integer.parseInt((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
                    if (n == 0) {
                        break;
                    }
                    copy(body, n);
                    line();
                }
            } else if (fields.containsKey("content-length")) {
                copy(body, Integer.parseInt(fields.get("content-length")));
            } else {
                copy(body, MAX_BODY_BYTES);
            }
            return body.toByteArray();
        }

        private void copy(ByteArrayOutputStream body, int n) throws IOException {
            for (int i = 0; i < n && body.size() < MAX_BODY_BYTES; i++) {
                int c = read();
                if (c < 0) {
                    return;
                }
                body.write(c);
            }
        }
    }
}
