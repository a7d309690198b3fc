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
        assertTrue(table.startsWith("| server | viewers | read mode | connected |"), table);
        assertTrue(table.contains("| ringcast-flv | 100 | tags | 99 |"), table);
        assertTrue(table.contains("| nginx-rtmp | 100 | bulk | 98 |"), table);
    }

    private void summary(String run, String configField, int connected) throws IOException {
        Path dir = Files.createDirectories(runs.resolve(run));
        Files.writeString(dir.resolve("summary.json"), "{\"config\": {" + configField + "}, \"window_seconds\": 30,"
                + " \"groups\": [{\"name\": \"x\", \"mode\": \"healthy\", \"connected\": " + connected + "}]}");
    }
}
