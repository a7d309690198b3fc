package io.ringcast.web.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP-FLV viewer churn, as a reloading audience or a script does it: each of {@code loops} threads opens
 * {@code GET path} and closes at once, {@code cycles} times. Cycles alternate between closing right after the
 * request and closing after the first bytes of the answer (its status line), so both the server's refusal and its
 * streaming path see peers vanish at every stage. Bounded in count and by a read timeout per answer.
 */
public final class ViewerChurn {
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 5_000;
    private static final int STATUS_LINE_BYTES = 12; // "HTTP/1.1 200"

    /** What the loops saw: answers by status, and failures to connect or read (a dead server shows here). */
    public record Result(long ok, long refused429, long otherStatus, long closedUnread, long failures,
                         String firstFailure) {
        public long cycles() {
            return ok + refused429 + otherStatus + closedUnread + failures;
        }
    }

    private final String host;
    private final int port;
    private final String path;
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong refused429 = new AtomicLong();
    private final AtomicLong otherStatus = new AtomicLong();
    private final AtomicLong closedUnread = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile String firstFailure;

    public ViewerChurn(String host, int port, String path) {
        this.host = host;
        this.port = port;
        this.path = path;
    }

    /** Runs {@code loops} threads of {@code cycles} each and waits for them; caller's thread. */
    public Result run(int loops, int cycles) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < loops; i++) {
            Thread t = new Thread(() -> loop(cycles), "churn-" + i);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return new Result(ok.get(), refused429.get(), otherStatus.get(), closedUnread.get(), failures.get(),
                firstFailure);
    }

    private void loop(int cycles) {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: churn\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] status = new byte[STATUS_LINE_BYTES];
        for (int i = 0; i < cycles; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
                s.setSoTimeout(READ_TIMEOUT_MS);
                OutputStream out = s.getOutputStream();
                out.write(request);
                out.flush();
                if ((i & 1) == 0) {
                    closedUnread.incrementAndGet();
                    continue;
                }
                count(readStatus(s.getInputStream(), status));
            } catch (IOException e) {
                failed(e);
            }
        }
    }

    private static int readStatus(InputStream in, byte[] status) throws IOException {
        int n = 0;
        while (n < status.length) {
            int r = in.read(status, n, status.length - n);
            if (r < 0) {
                throw new IOException("closed after " + n + " bytes of the status line");
            }
            n += r;
        }
        return Integer.parseInt(new String(status, 9, 3, StandardCharsets.US_ASCII));
    }

    private void count(int code) {
        if (code == 200) {
            ok.incrementAndGet();
        } else if (code == 429) {
            refused429.incrementAndGet();
        } else {
            otherStatus.incrementAndGet();
        }
    }

    private void failed(IOException e) {
        failures.incrementAndGet();
        if (firstFailure == null) {
            firstFailure = (e instanceof SocketTimeoutException ? "timeout: " : "") + e;
        }
    }

    /** {@code host port path loops cycles}: runs the churn and prints the result; for scripts. */
    public static void main(String[] args) throws InterruptedException {
        ViewerChurn churn = new ViewerChurn(args[0], Integer.parseInt(args[1]), args[2]);
        Result r = churn.run(Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        System.out.println(r);
    }
}
