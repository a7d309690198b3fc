package io.ringcast.ops.latency;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads an HdrHistogram interval log line by line as bytes and hands each interval's tag, absolute start and end
 * (epoch ms) and base64 histogram text to a {@link Visitor}, without decoding anything the visitor does not want.
 * Follows the log format as {@code HistogramLogReader} does: {@code #[StartTime: s]} and {@code #[BaseTime: s]}
 * comments (anywhere, so appended logs work), the quoted legend line, and data lines
 * {@code [Tag=tag,]start,length,max,histogram} whose start is relative to the base time; with no base time, a
 * start more than a year before the start time is taken as relative to it, any other as absolute. One thread.
 */
public final class IntervalLogScanner {
    /** Tag of intervals logged without one. */
    public static final String UNTAGGED = "untagged";
    private static final double SECONDS_PER_YEAR = 365 * 24 * 3600.0;
    private static final byte[] TAG_PREFIX = "Tag=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] START_TIME = "#[StartTime: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BASE_TIME = "#[BaseTime: ".getBytes(StandardCharsets.US_ASCII);
    private static final int READ_BYTES = 1 << 20;

    /** What to do with the intervals of a log. */
    public interface Visitor {
        /** Whether to receive intervals of this tag; asked once per tag. */
        boolean wants(String tag);

        /**
         * One interval: its histogram is {@code length} base64 characters at {@code offset} of {@code text}, valid
         * during the call only.
         */
        void interval(String tag, long startMs, long endMs, byte[] text, int offset, int length);
    }

    private final java.util.Map<String, Boolean> wanted = new java.util.HashMap<>();
    private final java.util.Map<String, String> tags = new java.util.HashMap<>();
    private double startTimeSec;
    private double baseTimeSec;
    private boolean baseTimeSeen;
    private long lineNumber;

    /** Reads the whole file. Throws an {@link IOException} naming the file and line for a malformed line. */
    public void scan(Path file, Visitor visitor) throws IOException {
        startTimeSec = 0;
        baseTimeSec = 0;
        baseTimeSeen = false;
        lineNumber = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[READ_BYTES];
            int filled = 0;
            while (true) {
                int n = in.read(buf, filled, buf.length - filled);
                if (n < 0) {
                    if (filled > 0) {
                        line(file, buf, 0, filled, visitor);
                    }
                    return;
                }
                filled += n;
                int lineStart = 0;
                for (int i = indexOf(buf, lineStart, filled); i >= 0; i = indexOf(buf, lineStart, filled)) {
                    line(file, buf, lineStart, i, visitor);
                    lineStart = i + 1;
                }
                System.arraycopy(buf, lineStart, buf, 0, filled - lineStart);
                filled -= lineStart;
                if (filled == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
            }
        }
    }

    private static int indexOf(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void line(Path file, byte[] b, int start, int end, Visitor visitor) throws IOException {
        lineNumber++;
        if (end > start && b[end - 1] == '\r') {
            end--;
        }
        if (end == start || b[start] == '"') {
            return;
        }
        try {
            if (b[start] == '#') {
                comment(b, start, end);
            } else {
                data(b, start, end, visitor);
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ":" + lineNumber + ": " + e.getMessage(), e);
        }
    }

    private void comment(byte[] b, int start, int end) {
        if (startsWith(b, start, end, START_TIME)) {
            startTimeSec = leadingNumber(b, start + START_TIME.length, end);
        } else if (startsWith(b, start, end, BASE_TIME)) {
            baseTimeSec = leadingNumber(b, start + BASE_TIME.length, end);
            baseTimeSeen = true;
        }
    }

    private void data(byte[] b, int start, int end, Visitor visitor) {
        int p = start;
        String tag = UNTAGGED;
        if (startsWith(b, start, end, TAG_PREFIX)) {
            int comma = comma(b, start, end);
            tag = tag(b, start + TAG_PREFIX.length, comma);
            p = comma + 1;
        }
        if (!wanted.computeIfAbsent(tag, visitor::wants)) {
            return;
        }
        int c1 = comma(b, p, end);
        int c2 = comma(b, c1 + 1, end);
        int c3 = comma(b, c2 + 1, end);
        double relativeStartSec = number(b, p, c1);
        double lengthSec = number(b, c1 + 1, c2);
        if (!baseTimeSeen) {
            baseTimeSec = relativeStartSec < startTimeSec - SECONDS_PER_YEAR ? startTimeSec : 0;
            baseTimeSeen = true;
        }
        double absoluteStartSec = baseTimeSec + relativeStartSec;
        visitor.interval(tag, (long) (absoluteStartSec * 1000.0), (long) ((absoluteStartSec + lengthSec) * 1000.0),
                b, c3 + 1, end - c3 - 1);
    }

    private String tag(byte[] b, int from, int to) {
        String tag = new String(b, from, to - from, StandardCharsets.US_ASCII);
        return tags.computeIfAbsent(tag, t -> t);
    }

    private static int comma(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == ',') {
                return i;
            }
        }
        throw new IllegalArgumentException("expected [Tag=tag,]start,length,max,histogram");
    }

    private static double number(byte[] b, int from, int to) {
        try {
            return Double.parseDouble(new String(b, from, to - from, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + new String(b, from, Math.min(to - from, 40),
                    StandardCharsets.US_ASCII).replaceAll("[^\\x20-\\x7e]", "?"));
        }
    }

    private static double leadingNumber(byte[] b, int from, int end) {
        int to = from;
        while (to < end && (b[to] >= '0' && b[to] <= '9' || b[to] == '.' || b[to] == '-')) {
            to++;
        }
        return number(b, from, to);
    }

    private static boolean startsWith(byte[] b, int start, int end, byte[] prefix) {
        if (end - start < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[start + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
