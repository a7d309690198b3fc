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
