package io.ringcast.perf.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests abandoned mid-flight, from one source address: connect, send all or part of a request head, read a
 * random part of the answer (0 to {@code maxReadBytes}), then reset the connection (SO_LINGER 0), so the server
 * meets the end while parsing, while handling, or in the middle of writing the response. Bounded by count and
 * time. One instance per loop thread; counters readable from any thread.
 */
final class AbortingRequests implements Runnable {
    private final String sourceAddress;
    private final int port;
    private final String path;
    private final int count;
    private final int maxReadBytes;
    private final boolean partialHead;
    private final long deadlineNs;
    private final SplittableRandom random;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /**
     * @param maxReadBytes how much of the answer to read at most before the reset (0: none)
     * @param partialHead  true: send only part of the request head
     */
    AbortingRequests(String sourceAddress, int port, String path, int count, int maxReadBytes, boolean partialHead,
                     long durationMs, long seed) {
        this.sourceAddress = sourceAddress;
        this.port = port;
        this.path = path;
        this.count = count;
        this.maxReadBytes = maxReadBytes;
        this.partialHead = partialHead;
        this.deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void run() {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: hostile\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] buffer = new byte[8192];
        for (int i = 0; i < count && System.nanoTime() < deadlineNs && !Thread.currentThread().isInterrupted(); i++) {
            try (Socket s = new Socket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(sourceAddress, 0));
                s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                s.setSoLinger(true, 0);
                s.setSoTimeout(1_000);
                int headBytes = partialHead ? 1 + random.nextInt(request.length - 2) : request.length;
                s.getOutputStream().write(request, 0, headBytes);
                int toRead = maxReadBytes == 0 ? 0 : random.nextInt(maxReadBytes + 1);
                InputStream in = s.getInputStream();
                while (toRead > 0) {
                    int n = in.read(buffer, 0, Math.min(buffer.length, toRead));
                    if (n < 0) {
                        break;
                    }
                    toRead -= n;
                }
                done.incrementAndGet();
            } catch (IOException e) {
                failed.incrementAndGet();
            }
        }
    }

    long done() {
        return done.get();
    }

    @Override
    public String toString() {
        return path + (partialHead ? " (partial head)" : "") + " from " + sourceAddress + ": " + done + " aborted, "
                + failed + " failed";
    }
}
