package io.ringcast.perf.load.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class PairedRunsTableTest {
    private static final long TICKS_PER_SECOND = 100;

    @TempDir
    Path runs;

    @Test
    void shouldGiveMediansRangesAndInHowManyPairsTheSecondBuildWasLower() throws IOException {
        // CPU s/Gbit before 0.20, 0.30, 0.25; after 0.19, 0.31, 0.20: lower in pairs 1 and 3.
        run(1, "before", 0.20, 4_000, 9_000, 400, 100, 0);
        run(1, "after", 0.19, 3_000, 9_500, 350, 110, 0);
        run(2, "before", 0.30, 5_000, 9_000, 420, 90, 2);
        run(2, "after", 0.31, 4_000, 8_000, 380, 95, 0);
        run(3, "before", 0.25, 6_000, 10_000, 410, 100, 0);
        run(3, "after", 0.20, 7_000, 11_000, 360, 100, 1);
        Files.writeString(runs.resolve("pair-2-first.txt"), "after\n");

        List<PairedRunsTable.Pair> pairs = PairedRunsTable.pairs(runs, TICKS_PER_SECOND);
        assertEquals(3, pairs.size());
        assertEquals(List.of("before", "after", "before"), pairs.stream().map(PairedRunsTable.Pair::first).toList());
        assertEquals(3.5, pairs.get(0).after().userSeconds(), 1e-9);
        assertEquals(1.1, pairs.get(0).after().systemSeconds(), 1e-9);

        String table = print(pairs);
        assertTrue(table.contains("| server CPU s/Gbit (load generator's window) | 0.250 (0.200–0.300) "
                + "| 0.200 (0.190–0.310) | 2 of 3 |"), table);
        assertTrue(table.contains("| server user CPU s (whole run) | 4.10 (4.00–4.20) | 3.60 (3.50–3.80) | 3 of 3 |"),
                table);
        // System CPU: 1.10 vs 1.00, 0.95 vs 0.90, 1.00 vs 1.00 (equal is not lower).
        assertTrue(table.contains("| server system CPU s (whole run) | 1.00 (0.90–1.00) | 1.00 (0.95–1.10) "
                + "| 0 of 3 |"), table);
        assertTrue(table.contains("| latency p50 ms | 5.00 (4.00–6.00) | 4.00 (3.00–7.00) | 2 of 3 |"), table);
        assertTrue(table.contains("| latency p99 ms | 9.00 (9.00–10.00) | 9.50 (8.00–11.00) | 1 of 3 |"), table);
        assertTrue(table.contains("| missed frames (video + audio), all runs | 2 | 1 | - |"), table);
        assertTrue(table.contains("| 2 | after | 0.300, 0.310 | 4.20, 3.80 | 0.90, 0.95 | 5.00 / 9.00 "
                + "| 4.00 / 8.00 |"), table);
    }

    @Test
    void shouldLeaveOutAPairWithARunMissing() throws IOException {
        run(1, "before", 0.20, 4_000, 9_000, 400, 100, 0);
        run(1, "after", 0.19, 3_000, 9_500, 350, 110, 0);
        run(2, "before", 0.30, 5_000, 9_000, 420, 90, 0);
        Files.createDirectories(runs.resolve("pair-2-after")); // the run failed: no summary

        List<PairedRunsTable.Pair> pairs = PairedRunsTable.pairs(runs, TICKS_PER_SECOND);
        assertEquals(List.of(1), pairs.stream().map(PairedRunsTable.Pair::number).toList());
    }

    private void run(int pair, String build, double cpuPerGbit, int p50Us, int p99Us, int userTicks,
                     int systemTicks, int missedVideo) throws IOException {
        Path dir = Files.createDirectories(runs.resolve("pair-" + pair + "-" + build));
        Files.writeString(dir.resolve("summary.json"), String.format(Locale.ROOT, "{\"cpu\": "
                + "{\"server_cpu_seconds_per_gbit\": %.3f}, \"groups\": [{\"name\": \"rtmp\", \"mode\": \"healthy\", "
                + "\"latency\": {\"p50_us\": %d, \"p99_us\": %d}, "
                + "\"frames\": {\"missed_video\": %d, \"missed_audio\": 0}}]}", cpuPerGbit, p50Us, p99Us, missedVideo));
        // A server that had used 1,000 user and 500 system ticks before the run.
        Files.writeString(dir.resolve("proc-stat.txt"), stat(1_000, 500) + "\n"
                + stat(1_000 + userTicks, 500 + systemTicks) + "\n");
    }

    private static String stat(int user, int system) {
        return "2103 (java) S 1 2095 2095 0 -1 4194560 103283 0 1 0 " + user + " " + system
                + " 0 0 20 0 41 0 915347 4710912000 71938";
    }

    private static String print(List<PairedRunsTable.Pair> pairs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PairedRunsTable.print(pairs, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }
}
