package io.ringcast.ops.report;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the renderers make of logs: CSV exactly, HTML self-contained and escaped. */
@Timeout(60)
class ReportRenderingTest {
    private static final long START_MS = Instant.parse("2024-03-01T10:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    /** Two tags, two 10 s intervals each, values known exactly (3 digits: below 2048 ns every value is exact). */
    private Path tinyLog() throws IOException {
        Path file = dir.resolve("tiny.hlog");
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.US_ASCII)) {
            HistogramLogWriter log = new HistogramLogWriter(out);
            log.outputLogFormatVersion();
            log.outputStartTime(START_MS);
            log.setBaseTime(START_MS);
            log.outputBaseTime(START_MS);
            log.outputLegend();
            for (int i = 0; i < 2; i++) {
                Histogram a = new Histogram(3);
                for (int v = 1; v <= 1000; v++) {
                    a.recordValue(v + i * 1000L);
                }
                write(log, a, "live/a/httpflv", i);
                Histogram b = new Histogram(3);
                b.recordValueWithCount(1500, 10);
                write(log, b, "live/b<x>/rtmp", i);
            }
        }
        return file;
    }

    /** The HTML page of the logs' intervals in the range; writes the CSV next to {@code out} like the command. */
    private LatencyReportData render(Path out, Path log, long fromMs, int worst, String requested) throws IOException {
        LatencyReportData data = LatencyLogs.report(List.of(log), fromMs, Long.MAX_VALUE, worst, 2);
        Files.writeString(out, HtmlReport.render(data, new HtmlReport.Context(List.of(log.toString()), requested,
                START_MS)));
        Files.writeString(out.resolveSibling(out.getFileName().toString().replace(".html", ".csv")),
                CsvReport.toString(data));
        return data;
    }

    private static void write(HistogramLogWriter log, Histogram h, String tag, int i) {
        h.setStartTimeStamp(START_MS + i * 10_000L);
        h.setEndTimeStamp(START_MS + (i + 1) * 10_000L);
        h.setTag(tag);
        log.outputIntervalHistogram(h);
    }

    @Test
    void shouldWriteTheTableAsCsvInMicroseconds() throws IOException {
        Path out = dir.resolve("r.html");
        render(out, tinyLog(), Long.MIN_VALUE, 20, "");

        // a: 1..2000 ns once each: p50 1000, p90 1800, p99 1980, p99.9 1998, max 2000 (exact below 2048).
        assertEquals("""
                stream,protocol,intervals,count,p50_us,p90_us,p99_us,p99_9_us,max_us\r
                live/a,httpflv,2,2000,1.000,1.800,1.980,1.998,2.000\r
                live/b<x>,rtmp,2,20,1.500,1.500,1.500,1.500,1.500\r
                """, Files.readString(dir.resolve("r.csv")));
    }

    @Test
    void shouldRenderASelfContainedEscapedPage() throws IOException {
        Path log = dir.resolve("synthetic.hlog");
        SyntheticLatencyLogs.write(log, 3, START_MS, 90, 10, 5);
        Files.writeString(log, Files.readString(log).replace("live/s002/", "live/s<2>&/"));
        Path out = dir.resolve("report.html");

        render(out, log, Long.MIN_VALUE, 5, "");

        String html = Files.readString(out);
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.trim().endsWith("</html>"));
        assertFalse(Pattern.compile("https?:|src=|href=|url\\(|@import").matcher(html).find(),
                "no external references");
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(html.contains("s<2>"), "stream names are escaped");
        assertTrue(html.contains("<tr><td>live/s&lt;2&gt;&amp;</td><td>httpflv</td><td>90</td>"));
        assertEquals(3, count(html, "<svg "), "percentiles, then httpflv and rtmp over time");
        assertTrue(count(html, "<polyline") >= 2 + 3 * 2);
        assertEquals(6 + 2 * 5, count(html, "<tr><td>"), "6 table rows and 5 worst intervals per protocol");
        assertEquals(count(html, "<tr>"), count(html, "</tr>"));
        assertEquals(count(html, "<svg "), count(html, "</svg>"));
        assertEquals(count(html, "<table>"), count(html, "</table>"));
    }

    @Test
    void shouldNoteThatARangeWithoutIntervalsIsEmpty() throws IOException {
        Path out = dir.resolve("empty.html");
        render(out, tinyLog(), Instant.parse("2030-01-01T00:00:00Z").toEpochMilli(), 20, "from 2030-01-01");

        assertTrue(Files.readString(out).contains("No intervals in from 2030-01-01"));
        assertEquals(CsvReport.HEADER + "\r\n", Files.readString(dir.resolve("empty.csv")));
    }

    @Test
    void shouldCountOnlyIntervalsStartingAtOrAfterFrom() throws IOException {
        LatencyReportData data = render(dir.resolve("r.html"), tinyLog(), START_MS + 10_000, 20, "");

        assertEquals(2, data.intervals(), "only the second interval of each tag starts at or after 10:00:10");
    }

    private static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
