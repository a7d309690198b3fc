package io.ringcast.perf.hostile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An {@link ApiServerSampler} in a JVM of its own (small heap, serial GC), so that the answer times it measures are
 * the server's, not pauses of the test's JVM, which also runs the load generator's hundred viewers and the attackers.
 * Start it, {@link #stop()} it, then read the figures. Used by one test thread.
 */
final class ApiServerSamplerProcess implements AutoCloseable {
    private static final long STOP_TIMEOUT_MS = 10_000;

    private final Process process;
    private long samples;
    private long worstMs;
    private final List<String> failures = new ArrayList<>();

    private ApiServerSamplerProcess(Process process) {
        this.process = process;
    }

    static ApiServerSamplerProcess start(int httpPort) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), ApiServerSampler.class.getName(), String.valueOf(httpPort))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return new ApiServerSamplerProcess(p);
    }

    /** Stops sampling and reads the figures; fails when the sampler does not report within 10 s. */
    void stop() throws IOException, InterruptedException {
        try (OutputStream in = process.getOutputStream()) {
            in.write('\n');
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
            }
        }
        if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS) || lines.isEmpty()
                || !lines.get(0).startsWith(ApiServerSampler.SUMMARY + " ")) {
            throw new IllegalStateException("the sampler process did not report: " + lines);
        }
        String[] summary = lines.get(0).split(" ");
        samples = Long.parseLong(summary[1]);
        worstMs = Long.parseLong(summary[3]);
        failures.addAll(lines.subList(1, lines.size()));
    }

    long samples() {
        return samples;
    }

    long worstMs() {
        return worstMs;
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
