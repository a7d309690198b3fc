package io.ringcast.web.page;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs {@code src/test/browser/play.mjs}: Debian's headless Chromium, driven by playwright-core, opens a player page
 * and prints one line of JSON with what it saw (kept in {@code target/browser/<label>.json}, stderr beside it).
 * Tests call {@link #assumeAvailable()} first: without Chromium, Node.js or the npm modules they are skipped, never
 * passed; {@code .ci/run} installs all of them.
 */
final class PlayScript {
    static final Path OUT = Path.of("target/browser");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path BROWSER_DIR = Path.of("src/test/browser");
    private static final Path SCRIPT = BROWSER_DIR.resolve("play.mjs");
    private static final Path PLAYWRIGHT = BROWSER_DIR.resolve("node_modules/playwright-core/package.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private PlayScript() {
    }

    static void assumeAvailable() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + " (apt-get install chromium)");
        Assumptions.assumeTrue(node() != null, "no node on the PATH (apt-get install nodejs npm)");
        Assumptions.assumeTrue(Files.isRegularFile(PLAYWRIGHT),
                "no playwright-core in " + BROWSER_DIR + " (npm ci there, as .ci/run does)");
        Files.createDirectories(OUT);
    }

    /**
     * Runs play.mjs with {@code args} ({@code --play-url} and the rest, see the script), waiting at most
     * {@code timeoutS}; returns its JSON after checking that the script ran to its end and the page answered 200.
     */
    static JsonNode run(String label, List<String> args, long timeoutS) throws IOException, InterruptedException {
        Path stdoutFile = OUT.resolve(label + ".json");
        Path stderr = OUT.resolve(label + ".stderr.txt");
        List<String> command = new ArrayList<>(List.of(node(), SCRIPT.getFileName().toString()));
        command.addAll(args);
        Process node = new ProcessBuilder(command)
                .directory(BROWSER_DIR.toFile())
                .redirectOutput(stdoutFile.toFile())
                .redirectError(stderr.toFile())
                .start();
        node.getOutputStream().close();
        if (!node.waitFor(timeoutS, TimeUnit.SECONDS)) {
            node.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("play.mjs did not finish within " + timeoutS + " s: "
                    + Files.readString(stderr));
        }
        String stdout = Files.readString(stdoutFile).strip();
        assertEquals(0, node.exitValue(), "play.mjs failed: " + stdout + "\n" + Files.readString(stderr));
        System.out.println(label + ": " + stdout);
        JsonNode result = JSON.readTree(stdout);
        assertEquals(200, result.path("status").asInt(), stdout);
        return result;
    }

    /** The median of a JSON array of numbers (NaN when empty). */
    static double median(JsonNode values) {
        List<Double> sorted = sorted(values);
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }

    /** Min, p90, max and count of a JSON array of numbers, for a report line. */
    static String spread(JsonNode values) {
        List<Double> sorted = sorted(values);
        if (sorted.isEmpty()) {
            return "no samples";
        }
        return String.format("min %.2f, p90 %.2f, max %.2f, n=%d", sorted.get(0),
                sorted.get((int) (sorted.size() * 0.9)), sorted.get(sorted.size() - 1), sorted.size());
    }

    private static List<Double> sorted(JsonNode values) {
        List<Double> sorted = new ArrayList<>();
        values.forEach(v -> sorted.add(v.asDouble()));
        sorted.sort(Double::compare);
        return sorted;
    }

    /** The node executable on the PATH, or null. */
    private static String node() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "node");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
