package io.ringcast.ops.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntervalLogScannerTest {
    private static final long START_MS = Instant.parse("2024-03-01T00:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    @Test
    void shouldReadADataLinesLengthFromItsHistogramsHeader() throws IOException {
        Path file = dir.resolve("a.hlog");
        SyntheticLatencyLogs.write(file, 2, START_MS, 3, 10, 1);
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);

        int data = 0;
        for (String line : lines) {
            byte[] b = (line + "\n").getBytes(StandardCharsets.US_ASCII);
            long predicted = IntervalLogScanner.predictedLineLength(b, 0, b.length);
            if (line.startsWith("Tag=")) {
                assertEquals(line.length(), predicted, line);
                data++;
            } else {
                assertEquals(-1, predicted, line);
            }
        }
        assertEquals(2 * 2 * 3, data);
    }

    @Test
    void shouldGiveTheSameIntervalsReadWholeOrByHeadsWithWindowsOrUnixLineEnds() throws IOException {
        Path unix = dir.resolve("unix.hlog");
        SyntheticLatencyLogs.write(unix, 3, START_MS, 20, 10, 2);
        Path windows = dir.resolve("windows.hlog");
        Files.writeString(windows, Files.readString(unix).replace("\n", "\r\n"));

        List<String> whole = intervals(unix, false);
        assertEquals(3 * 2 * 20, whole.size());
        assertTrue(whole.get(0).startsWith("live/s000/httpflv "), whole.get(0));
        List<String> times = whole.stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList();
        assertEquals(times, intervals(unix, true), "same positions and times");
        List<String> windowsWhole = intervals(windows, false);
        assertEquals(whole.stream().map(l -> l.substring(0, l.indexOf(' '))).toList(),
                windowsWhole.stream().map(l -> l.substring(0, l.indexOf(' '))).toList());
        List<String> windowsTimes = windowsWhole.stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList();
        assertEquals(windowsTimes, intervals(windows, true));
        assertEquals(times.stream().map(l -> l.substring(l.indexOf(' '))).toList(),
                windowsTimes.stream().map(l -> l.substring(l.indexOf(' '))).toList(), "same times");
    }

    private static List<String> intervals(Path file, boolean headsOnly) throws IOException {
        List<String> out = new ArrayList<>();
        IntervalLogScanner scanner = new IntervalLogScanner();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            IntervalLogScanner.Visitor visitor = (position, tag, startMs, endMs, text, offset, length) ->
                    out.add((headsOnly ? "" : tag + " ") + position + " " + startMs + " " + endMs);
            if (headsOnly) {
                scanner.scanHeads(file, channel, visitor);
            } else {
                scanner.scan(file, channel, visitor);
            }
        }
        return out;
    }
}
