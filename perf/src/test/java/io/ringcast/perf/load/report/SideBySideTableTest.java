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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class SideBySideTableTest {
    @TempDir
    Path runs;

    @Test
    void shouldGiveEachReadModeItsRowAndTakeOlderRunsForBulk() throws IOException {
        summary("ringcast-flv-100-tags", "\"read_mode\": \"tags\"", 99);
        summary("ringcast-flv-100-bulk", "\"read_mode\": \"bulk\"", 100);
        summary("nginx-rtmp-100", "\"label\": \"nginx-rtmp-100\"", 98);
        Files.createDirectories(runs.resolve("nginx"));

        List<SideBySideTable.Row> rows = SideBySideTable.rows(runs);
        assertEquals(List.of("nginx-rtmp bulk", "ringcast-flv bulk", "ringcast-flv tags"),
                rows.stream().map(r -> r.server() + " " + r.readMode()).toList());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SideBySideTable.print(rows, new PrintStream(out, true, StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        assertTrue(table.startsWith("| server | viewers | read mode | round | connected |"), table);
        assertTrue(table.contains("| ringcast-flv | 100 | tags | 1 | 99 |"), table);
        assertTrue(table.contains("| nginx-rtmp | 100 | bulk | 1 | 98 |"), table);
    }

    @Test
    void shouldPairRatiosByRoundAndGiveTheMedianAndRange() throws IOException {
        measured("nginx-rtmp-1000-bulk-r1", 0.20, 10_000, 40_000);
        measured("nginx-rtmp-1000-bulk-r2", 0.10, 8_000, 20_000);
        measured("nginx-rtmp-1000-bulk-r3", 0.20, 10_000, 40_000);
        measured("ringcast-flv-1000-bulk-r1", 0.18, 4_000, 10_000);
        measured("ringcast-flv-1000-bulk-r2", 0.12, 4_000, 10_000);
        measured("ringcast-flv-1000-bulk-r3", 0.22, 6_000, 20_000);

        List<SideBySideTable.Row> rows = SideBySideTable.rows(runs);
        assertEquals(List.of(1, 2, 3, 1, 2, 3), rows.stream().map(SideBySideTable.Row::round).toList());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SideBySideRatios.print(rows, new PrintStream(out, true, StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        // CPU ratios by round: 0.9, 1.2, 1.1; a pairing across rounds would give others (0.6, 1.8...).
        assertTrue(table.contains("| 1000 | bulk | 3 | 0.200 (0.100–0.200) | 1.10 (0.90–1.20) | - |"), table);
        assertTrue(table.contains("| 10.00 (8.00–10.00) / 40.00 (20.00–40.00) "
                + "| 0.50 (0.40–0.60) / 0.50 (0.25–0.50) | - / - |"), table);
    }

    @Test
    void shouldSplitCpuIntoTheOneViewerCostAndWhatFurtherViewersAddPerGbit() throws IOException {
        // 30 s windows; 1 viewer receives 2.5 Mbit/s, 100 viewers 250 Mbit/s.
        long oneViewerBytes = 9_375_000;
        long hundredViewersBytes = 937_500_000;
        double[] ringcastCoresAt100 = {0.07, 0.065, 0.075};
        for (int round = 1; round <= 3; round++) {
            loaded("nginx-rtmp-1-bulk-r" + round, 0.01, oneViewerBytes);
            loaded("nginx-rtmp-100-bulk-r" + round, 0.06, hundredViewersBytes);
            loaded("ringcast-rtmp-1-bulk-r" + round, 0.02, oneViewerBytes);
            loaded("ringcast-rtmp-100-bulk-r" + round, ringcastCoresAt100[round - 1], hundredViewersBytes);
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SideBySideCostSplit.print(SideBySideTable.rows(runs), new PrintStream(out, true, StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        // nginx-rtmp adds 0.05 cores for 0.2475 Gbit/s (0.202); ringcast 0.05, 0.045 and 0.055 in rounds 1 to 3.
        assertTrue(table.contains("| 100 | bulk | 3 | 0.010 (0.010–0.010) / - / 0.020 (0.020–0.020) "
                + "| 0.202 (0.202–0.202) | -, - | 0.202 (0.182–0.222), 1.00 (0.90–1.10) |"), table);
        assertEquals(3, table.lines().count(), table);
    }

    @Test
    void shouldPrintNoSplitWithoutOneViewerRuns() throws IOException {
        loaded("nginx-rtmp-100-bulk", 0.06, 937_500_000);
        loaded("ringcast-rtmp-100-bulk", 0.07, 937_500_000);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SideBySideCostSplit.print(SideBySideTable.rows(runs), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    private void loaded(String run, double cores, long deliveredBytes) throws IOException {
        Path dir = Files.createDirectories(runs.resolve(run));
        Files.writeString(dir.resolve("summary.json"), "{\"config\": {\"read_mode\": \"bulk\"},"
                + " \"window_seconds\": 30, \"cpu\": {\"server_cpu_seconds\": " + cores * 30
                + ", \"delivered_bytes\": " + deliveredBytes + "}}");
    }

    private void measured(String run, double cpuPerGbit, long p50Us, long p99Us) throws IOException {
        Path dir = Files.createDirectories(runs.resolve(run));
        Files.writeString(dir.resolve("summary.json"), "{\"config\": {\"read_mode\": \"bulk\"},"
                + " \"cpu\": {\"server_cpu_seconds_per_gbit\": " + cpuPerGbit + "}, \"groups\": [{\"mode\":"
                + " \"healthy\", \"latency\": {\"p50_us\": " + p50Us + ", \"p99_us\": " + p99Us + "}}]}");
    }

    private void summary(String run, String configField, int connected) throws IOException {
        Path dir = Files.createDirectories(runs.resolve(run));
        Files.writeString(dir.resolve("summary.json"), "{\"config\": {" + configField + "}, \"window_seconds\": 30,"
                + " \"groups\": [{\"name\": \"x\", \"mode\": \"healthy\", \"connected\": " + connected + "}]}");
    }
}
