package io.ringcast.ops;

import io.ringcast.ops.report.CsvReport;
import io.ringcast.ops.report.LatencyReportData;
import io.ringcast.ops.report.SyntheticLatencyLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command: its options, the files it reads and the two files it writes. */
@Timeout(60)
class LatencyReportTest {
    private static final long START_MS = Instant.parse("2024-03-01T10:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    @Test
    void shouldParseTimesAsUtcOrWithOffsetOrBeforeNow() {
        var o = LatencyReport.parse(new String[] {"--from", "2024-03-01T10:00:10", "--to", "2024-03-01T12:00:00+01:00",
            "--csv", "x.csv", "--threads", "3", "logs"});
        assertEquals(START_MS + 10_000, o.fromMs());
        assertEquals(START_MS + 3_600_000, o.toMs());
        assertEquals(Path.of("x.csv"), o.csv());
        assertEquals(3, o.threads());
        assertEquals(List.of(Path.of("logs")), o.logs());

        var relative = LatencyReport.parse(new String[] {"--from", "-2h", "--to", "now", "--out", "r.html", "logs"},
                START_MS);
        assertEquals(START_MS - 7_200_000, relative.fromMs());
        assertEquals(START_MS, relative.toMs());
        assertEquals(Path.of("r.csv"), relative.csv(), "the CSV is named after the HTML");
    }

    @Test
    void shouldRefuseBadUsageWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LatencyReport.parse(new String[] {"--from",
            "soon", "x"})).getMessage().contains("soon"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LatencyReport.parse(new String[] {"--out",
            "r.html"})).getMessage().contains("no LOG"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LatencyReport.parse(new String[] {"--from",
            "2024-03-02", "--to", "2024-03-01", "x"})).getMessage().contains("before"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LatencyReport.parse(new String[] {"--threads",
            "0", "x"})).getMessage().contains("--threads"));
    }

    @Test
    void shouldReadTheLogsOfADirectoryAndWriteHtmlAndCsv() throws IOException {
        SyntheticLatencyLogs.write(dir.resolve("latency-2024-03-01.hlog"), 3, START_MS, 30, 10, 3);
        Files.writeString(dir.resolve("notes.txt"), "not a log");
        Path out = dir.resolve("out").resolve("report.html");
        Files.createDirectories(out.getParent());

        var options = LatencyReport.parse(new String[] {"--from", "2024-03-01T10:02:00Z", "--out", out.toString(),
                dir.toString()});
        assertEquals(List.of(dir.resolve("latency-2024-03-01.hlog")), LatencyReport.expand(options.logs()));
        LatencyReportData data = LatencyReport.run(options);

        assertEquals(3 * 2 * 18, data.intervals(), "intervals starting 10:02:00 .. 10:04:50");
        String html = Files.readString(out);
        assertTrue(html.contains("<tr><td>live/s001</td><td>rtmp</td><td>18</td>"), "table row");
        List<String> csv = Files.readAllLines(dir.resolve("out").resolve("report.csv"));
        assertEquals(CsvReport.HEADER, csv.get(0));
        assertEquals(1 + 6, csv.size());
    }

    @Test
    void shouldNameAMissingLog() {
        IOException e = assertThrows(IOException.class, () -> LatencyReport.run(LatencyReport.parse(new String[] {
            "--out", dir.resolve("r.html").toString(), dir.resolve("missing.hlog").toString()})));
        assertTrue(e.getMessage().contains("missing.hlog"), e.getMessage());
    }
}
