package io.ringcast.perf.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A browser tab reloading an HTTP-FLV stream in a loop, from one source address: connect, {@code GET}, close at
 * once (a sample of them after reading the status line, to count refusals). Bounded by a count and a deadline. One
 * instance per loop thread; the counters may be read from any thread.
 */
final class HttpFlvChurn implements Runnable {
    private static final int GIVE_UP_AFTER_FAILURES = 200;

    private final String sourceAddress;
    private final int port;
    private final String path;
    private final int count;
    private final long deadlineNs;
    private final int readStatusEvery;
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile String lastFailure;

    /**
     * @param readStatusEvery every so many connections, read the status line before closing and count 4xx/5xx as
     *                        refused (a sample); the others close as soon as the request is written. 0: never read
     */
    HttpFlvChurn(String sourceAddress, int port, String path, int count, long durationMs, int readStatusEvery) {
        this.sourceAddress = sourceAddress;
        this.port = port;
        this.path = path;
        this.count = count;
        this.deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
        this.readStatusEvery = readStatusEvery;
    }

    @Override
    public void run() {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] status = new byte[12];
        int failuresInARow = 0;
        for (int i = 0; i < count && System.nanoTime() < deadlineNs && !Thread.currentThread().isInterrupted(); i++) {
            try (Socket s = new Socket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(sourceAddress, 0));
                s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                opened.incrementAndGet();
                failuresInARow = 0;
                s.getOutputStream().write(request);
                if (readStatusEvery > 0 && i % readStatusEvery == 0) {
                    s.setSoTimeout(2_000);
                    InputStream in = s.getInputStream();
                    int n = in.readNBytes(status, 0, status.length);
                    String line = new String(status, 0, n, StandardCharsets.US_ASCII);
                    if (line.startsWith("HTTP/1.1 200")) {
                        served.incrementAndGet();
                    } else if (line.startsWith("HTTP/1.1 4") || line.startsWith("HTTP/1.1 5")) {
                        refused.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                }
            } catch (IOException e) {
                failed.incrementAndGet();
                lastFailure = e.toString();
                if (++failuresInARow >= GIVE_UP_AFTER_FAILURES) {
                    return; // the server is gone or unreachable: more attempts prove nothing
                }
            }
        }
    }

    long opened() {
        return opened.get();
    }

    long refused() {
        return refused.get();
    }

    long served() {
        return served.get();
    }

    long failed() {
        return failed.get();
    }

    @Override
    public String toString() {
        return sourceAddress + ": opened " + opened + ", served " + served + ", refused " + refused + ", failed "
                + failed + (lastFailure == null ? "" : " (last: " + lastFailure + ")");
    }
}
