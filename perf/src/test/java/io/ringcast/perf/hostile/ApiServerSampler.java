package io.ringcast.perf.hostile;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Asks {@code GET /api/server} from the healthy address every {@link #PERIOD_MS} ms on its own thread until
 * stopped, and keeps the worst answer time and every failure (no 200, or slower than a second). Readable from any
 * thread once stopped. {@link #main} runs it as a process of its own (see {@link ApiServerSamplerProcess}).
 */
final class ApiServerSampler implements Runnable {
    /** What {@link #main} prints first when stopped: {@code samples <n> worst <ms>}, then one line per failure. */
    static final String SUMMARY = "samples";
    static final long PERIOD_MS = 200;
    private static final long TIMEOUT_MS = 3_000;

    private final int httpPort;
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean running = true;
    private volatile long worstMs;
    private volatile long samples;

    ApiServerSampler(int httpPort) {
        this.httpPort = httpPort;
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        for (long i = 0; running; i++) {
            RawHttp.Answer a = RawHttp.get(httpPort, "/api/server", TIMEOUT_MS);
            samples++;
            worstMs = Math.max(worstMs, a.elapsedMs());
            if (a.status() != 200 || a.elapsedMs() > Health.ANSWER_MS) {
                failures.add((System.nanoTime() - start) / 1_000_000 + " ms in: " + a);
            }
            long next = start + (i + 1) * PERIOD_MS * 1_000_000;
            long waitMs = (next - System.nanoTime()) / 1_000_000;
            if (waitMs > 0) {
                try {
                    Thread.sleep(waitMs); // the sampling period
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    void stop() {
        running = false;
    }

    long worstMs() {
        return worstMs;
    }

    long samples() {
        return samples;
    }

    List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    /**
     * Samples {@code args[0]} (the HTTP port) until a line or the end arrives on standard input, then prints the
     * summary line and the failures.
     */
    public static void main(String[] args) throws Exception {
        ApiServerSampler sampler = new ApiServerSampler(Integer.parseInt(args[0]));
        Thread thread = new Thread(sampler, "api-server-sampler");
        thread.start();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        sampler.stop();
        thread.join(TIMEOUT_MS + PERIOD_MS);
        System.out.println(SUMMARY + " " + sampler.samples() + " worst " + sampler.worstMs());
        sampler.failures().forEach(System.out::println);
        System.out.flush();
    }
}
