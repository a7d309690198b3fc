package io.ringcast.web;

import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One refusal answer of the HTTP listener for connections it does not admit (over {@code max_connections},
 * {@code max_connections_per_ip} or {@code new_connections_per_ip_per_second}): a complete response with its
 * status, {@code Retry-After} and the reason in its body, sent before Undertow ever sees the connection.
 * Immutable; {@link #send} runs on the accepting thread.
 *
 * <p>Closing a socket whose request was not read makes the kernel answer with a reset, which can destroy the
 * response before the client reads it. So the refusal ends its own side, discards what the client still sends and
 * closes at the client's end of stream, or after {@link #LINGER_MS} at the latest.
 */
final class HttpRefusal {
    /** Bounds what a refused client can hold: one small buffer and a socket, for this long. */
    private static final long LINGER_MS = 2_000;
    private static final int DISCARD_BYTES = 512;
    private static final int RETRY_AFTER_SECONDS = 5;
    /** A bucket refilled many times a second has room again within one. */
    private static final int RATE_RETRY_AFTER_SECONDS = 1;

    private final ByteBuffer response;

    private HttpRefusal(int status, String statusText, String reason, int retryAfterSeconds) {
        byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + statusText + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Retry-After: " + retryAfterSeconds + "\r\n"
                + "Connection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer all = ByteBuffer.allocate(headBytes.length + body.length).put(headBytes).put(body);
        this.response = all.flip().asReadOnlyBuffer();
    }

    /** 503: the server holds its maximum of connections. */
    static HttpRefusal overTotal(int maxConnections) {
        return new HttpRefusal(503, "Service Unavailable", "server busy: " + maxConnections
                + " HTTP connections at once is its maximum ([http] max_connections); retry later",
                RETRY_AFTER_SECONDS);
    }

    /** 429: the client's address holds its maximum of connections. */
    static HttpRefusal overPerAddress(int maxPerAddress) {
        return new HttpRefusal(429, "Too Many Requests", "too many connections from your address: "
                + maxPerAddress + " at once is the maximum ([http] max_connections_per_ip)", RETRY_AFTER_SECONDS);
    }

    /** 429: the client's address opens connections faster than its rate. */
    static HttpRefusal overNewConnectionRate(int perSecond, int burst) {
        return new HttpRefusal(429, "Too Many Requests", "too many new connections from your address: "
                + perSecond + " a second is the maximum after " + burst + " at once ([http]"
                + " new_connections_per_ip_per_second, new_connections_per_ip_burst); retry in a second",
                RATE_RETRY_AFTER_SECONDS);
    }

    /** The bytes sent, for tests and logs. */
    String text() {
        return StandardCharsets.UTF_8.decode(response.duplicate()).toString();
    }

    /** Answers and closes the connection; never throws (a client already gone is simply closed). */
    void send(StreamConnection connection) {
        ConduitStreamSinkChannel sink = connection.getSinkChannel();
        try {
            ByteBuffer answer = response.duplicate();
            sink.write(answer); // a fresh socket's send buffer takes these few hundred bytes at once
            sink.shutdownWrites();
            if (answer.hasRemaining() || !sink.flush()) {
                IoUtils.safeClose(connection);
                return;
            }
        } catch (IOException e) {
            IoUtils.safeClose(connection);
            return;
        }
        ConduitStreamSourceChannel source = connection.getSourceChannel();
        ByteBuffer discard = ByteBuffer.allocate(DISCARD_BYTES);
        source.getReadSetter().set(channel -> {
            try {
                int n;
                do {
                    n = channel.read(discard.clear());
                } while (n > 0);
                if (n < 0) {
                    IoUtils.safeClose(connection);
                }
            } catch (IOException e) {
                IoUtils.safeClose(connection);
            }
        });
        source.resumeReads();
        connection.getIoThread().executeAfter(() -> IoUtils.safeClose(connection), LINGER_MS,
                TimeUnit.MILLISECONDS);
    }
}
