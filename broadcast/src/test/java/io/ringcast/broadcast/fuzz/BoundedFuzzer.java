package io.ringcast.broadcast.fuzz;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs one fuzz target with Jazzer's command-line driver in a child JVM for a bounded time; used by the
 * {@code BoundedFuzzingTest} of each module, on the test thread.
 * <p>
 * jazzer-junit fuzzes only when {@code JAZZER_FUZZ=1} is set, and only one {@code @FuzzTest} per JVM, so the
 * bounded runs fork {@code com.code_intelligence.jazzer.Jazzer} instead: the test class path, a target class
 * with {@code public static void fuzzerTestOneInput(...)}, the seed corpus that the {@code @FuzzTest} replays
 * (read-only) and a generated corpus under {@code target/fuzz/<target>/corpus}. A finding (an escaping
 * exception, a per-input timeout, an {@link OutOfMemoryError} in the bounded heap) makes the driver exit
 * non-zero and leaves the input in {@code target/fuzz/<target>/findings/}.
 * <p>
 * Settings (system properties): {@code ringcast.fuzz.seconds} per target (default 20; 0 skips the bounded runs),
 * {@code ringcast.fuzz.timeoutSeconds} per input (default 10), {@code ringcast.fuzz.heap} of the child JVM
 * (default 512m: an allocation sized by an untrusted length beyond the configured maxima fails as an OOM).
 */
public final class BoundedFuzzer {
    /** Per-target fuzzing time when {@code ringcast.fuzz.seconds} is not set. */
    public static final int DEFAULT_SECONDS = 20;
    /** libFuzzer seed of the test suite's bounded runs; 0 asks libFuzzer for a random one. */
    static final long DEFAULT_SEED = 20261121L;

    /** Time the child JVM may take beyond the fuzzing time: startup, instrumentation, seed replay. */
    private static final int STARTUP_ALLOWANCE_SECONDS = 120;
    private static final Pattern EXECUTIONS = Pattern.compile("stat::number_of_executed_units:\\s*(\\d+)");
    private static final Pattern DONE = Pattern.compile("Done (\\d+) runs in (\\d+) second");
    private static final int LOG_TAIL_CHARS = 6000;

    private BoundedFuzzer() {
    }

    /** Outcome of one bounded run. */
    public record Result(String target, int exitCode, long executions, long seconds, Path log, List<Path> findings) {
        public long execsPerSecond() {
            return seconds == 0 ? executions : executions / seconds;
        }

        public boolean clean() {
            return exitCode == 0 && findings.isEmpty();
        }

        /** One line for the test log: target, executions, time, rate. */
        public String summary() {
            return "fuzz " + target + ": " + executions + " executions in " + seconds + " s (" + execsPerSecond()
                    + " exec/s), exit " + exitCode + ", findings " + findings.size();
        }

        /** The end of the driver's output, where libFuzzer prints the finding and its stack trace. */
        public String logTail() {
            try {
                String text = Files.readString(log);
                return text.length() <= LOG_TAIL_CHARS ? text : text.substring(text.length() - LOG_TAIL_CHARS);
            } catch (IOException e) {
                return "(cannot read " + log + ": " + e.getMessage() + ")";
            }
        }
    }

    /** Seconds per target from {@code ringcast.fuzz.seconds}. */
    public static int seconds() {
        return Integer.getInteger("ringcast.fuzz.seconds", DEFAULT_SECONDS);
    }

    /**
     * Fuzzes {@code target} for {@link #seconds()}.
     *
     * @param target          class with {@code public static void fuzzerTestOneInput(byte[] or FuzzedDataProvider)}
     * @param seedMethod      the {@code @FuzzTest} method of {@code target} whose seed directory
     *                        ({@code <Class>Inputs/<method>/} next to the class) seeds the run
     * @param instrumentation Jazzer's {@code --instrumentation_includes}, e.g. {@code io.ringcast.ingest.**}
     */
    public static Result run(Class<?> target, String seedMethod, String instrumentation) {
        try {
            return fork(target, seedMethod, instrumentation);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fuzzing " + target.getName(), e);
        }
    }

    private static Result fork(Class<?> target, String seedMethod, String instrumentation)
            throws IOException, InterruptedException {
        int seconds = seconds();
        Path work = Path.of("target", "fuzz", target.getSimpleName()).toAbsolutePath();
        Path corpus = Files.createDirectories(work.resolve("corpus"));
        Path findings = work.resolve("findings");
        deleteRecursively(findings);
        Files.createDirectories(findings);
        Path log = work.resolve("jazzer.log");

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + System.getProperty("ringcast.fuzz.heap", "512m"));
        command.add("-cp");
        command.add(testClassPath());
        command.add("com.code_intelligence.jazzer.Jazzer");
        command.add("--target_class=" + target.getName());
        command.add("--instrumentation_includes=" + instrumentation);
        command.add("--reproducer_path=" + findings);
        command.add("-artifact_prefix=" + findings + File.separator);
        command.add("-max_total_time=" + seconds);
        // A fixed seed makes the test suite's bounded run repeat the same exploration, so CI never turns red on a
        // new random path; -Dringcast.fuzz.seed=0 (libFuzzer: random) explores afresh, as the longer runs should.
        command.add("-seed=" + Long.getLong("ringcast.fuzz.seed", DEFAULT_SEED));
        command.add("-timeout=" + Integer.getInteger("ringcast.fuzz.timeoutSeconds", 10));
        command.add("-rss_limit_mb=" + Integer.getInteger("ringcast.fuzz.rssLimitMb", 2560));
        command.add("-print_final_stats=1");
        command.add(corpus.toString());
        seedDirectory(target, seedMethod).ifPresent(seeds -> command.add(seeds.toString()));

        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long startNs = System.nanoTime();
        if (!process.waitFor(seconds + STARTUP_ALLOWANCE_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new AssertionError("fuzz " + target.getSimpleName() + " did not stop within " + seconds + " s + "
                    + STARTUP_ALLOWANCE_SECONDS + " s; see " + log);
        }
        long wallSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs);
        String output = Files.readString(log);
        long executions = lastLong(EXECUTIONS, output, 1).orElse(0L);
        long fuzzSeconds = lastLong(DONE, output, 2).orElse(wallSeconds);
        List<Path> found;
        try (Stream<Path> files = Files.list(findings)) {
            found = files.toList();
        }
        return new Result(target.getSimpleName(), process.exitValue(), executions, fuzzSeconds, log, found);
    }

    /** Surefire puts the test class path into a manifest-only jar; it names the real one in this property. */
    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private static Optional<Path> seedDirectory(Class<?> target, String seedMethod) {
        URL url = target.getResource(target.getSimpleName() + "Inputs/" + seedMethod);
        if (url == null || !"file".equals(url.getProtocol())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(url.toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad seed directory " + url, e);
        }
    }

    private static Optional<Long> lastLong(Pattern pattern, String text, int group) {
        Matcher m = pattern.matcher(text);
        Long last = null;
        while (m.find()) {
            last = Long.parseLong(m.group(group));
        }
        return Optional.ofNullable(last);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
