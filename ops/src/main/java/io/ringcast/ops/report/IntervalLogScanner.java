package io.ringcast.ops.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static io.ringcast.ops.report.HistogramEncoding.BASE64_VALUES;
import static io.ringcast.ops.report.HistogramEncoding.COMPRESSED_HEADER_BYTES;
import static io.ringcast.ops.report.HistogramEncoding.COOKIE_BASE_MASK;
import static io.ringcast.ops.report.HistogramEncoding.V2_COMPRESSED_COOKIE;

/**
 * Reads an HdrHistogram interval log, or a part of one, line by line as bytes and hands each interval's tag,
 * absolute start and end (epoch ms) and base64 histogram text to a {@link Visitor}, decoding nothing else and
 * allocating nothing per line. Follows the log format as {@code HistogramLogReader} does: {@code #[StartTime: s]}
 * and {@code #[BaseTime: s]} comments (anywhere, so appended logs work), the quoted legend line, and data lines
 * {@code [Tag=tag,]start,length,max,histogram} whose start is relative to the base time; with no base time, a start
 * more than a year before the start time is taken as relative to it, any other as absolute. Times are computed
 * with the same double arithmetic as HdrHistogram's reader, so both put an interval on the same side of a range
 * boundary. One thread.
 */
public final class IntervalLogScanner {
    /** Tag of intervals logged without one. */
    public static final String UNTAGGED = "untagged";
    private static final double SECONDS_PER_YEAR = 365 * 24 * 3600.0;
    private static final byte[] TAG_PREFIX = "Tag=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] START_TIME = "#[StartTime: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BASE_TIME = "#[BaseTime: ".getBytes(StandardCharsets.US_ASCII);
    private static final int READ_BYTES = 1 << 20;
    /** What {@link #scanHeads} maps at a time (a mapping holds at most 2 GB). */
    private static final long MAP_BYTES = 1L << 30;
    /** What {@link #scanHeads} copies of a line it does not read whole: room for any tag and the four numbers. */
    private static final int HEAD_BYTES = 160;
    /** Longest line head (tag, start, length, max) whose line end is predicted. */
    private static final int MAX_LINE_HEAD_BYTES = 512;
    /** Base64 characters holding the 8 bytes of a compressed histogram's cookie and length. */
    private static final int COOKIE_AND_LENGTH_CHARS = 12;

    /** Decimals a double holds exactly enough for {@link #number}'s fast path (and 10^k is exact up to 10^22). */
    private static final int MAX_FAST_DIGITS = 15;
    private static final double[] POWERS_OF_TEN = new double[MAX_FAST_DIGITS + 1];

    static {
        double p = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = p;
            p *= 10;
        }
    }

    /** What to do with the intervals of a log. */
    public interface Visitor {
        /**
         * One interval starting at byte {@code position} of the file: its histogram is {@code length} base64
         * characters at {@code offset} of {@code text}, valid during the call only.
         */
        void interval(long position, String tag, long startMs, long endMs, byte[] text, int offset, int length);
    }

    /**
     * Where reading may start in the middle of a log: a line's byte position and what the header comments before it
     * said. {@link #START} is the beginning of any file.
     */
    public record Checkpoint(long position, double startTimeSec, double baseTimeSec, boolean baseTimeSeen) {
        public static final Checkpoint START = new Checkpoint(0, 0, 0, false);
    }

    private final TagTable tags = new TagTable();
    private byte[] buf = new byte[READ_BYTES];
    private double startTimeSec;
    private double baseTimeSec;
    private boolean baseTimeSeen;
    /** Whether visitors get the tag: not in {@link #scanHeads}, whose callers want times only. */
    private boolean readTags;

    /** Reads the whole file. Throws an {@link IOException} naming the file and byte position of a malformed line. */
    public void scan(Path file, FileChannel channel, Visitor visitor) throws IOException {
        scan(file, channel, Checkpoint.START, Long.MAX_VALUE, visitor);
    }

    /**
     * Reads the lines starting in {@code [from.position(), toPosition)}; {@code from} must be the start of a line
     * with the header state there (from {@link #checkpoint}).
     */
    public void scan(Path file, FileChannel channel, Checkpoint from, long toPosition, Visitor visitor)
            throws IOException {
        startTimeSec = from.startTimeSec();
        baseTimeSec = from.baseTimeSec();
        baseTimeSeen = from.baseTimeSeen();
        readTags = true;
        long bufPosition = from.position();
        int filled = 0;
        boolean eof = false;
        while (true) {
            int lineStart = 0;
            int end;
            while ((end = lineEnd(buf, lineStart, filled)) >= 0 || (eof && lineStart < filled)) {
                if (bufPosition + lineStart >= toPosition) {
                    return;
                }
                int lineEnd = end >= 0 ? end : filled;
                line(file, bufPosition + lineStart, lineStart, lineEnd, visitor);
                lineStart = lineEnd + 1;
            }
            if (eof || bufPosition + lineStart >= toPosition) {
                return;
            }
            System.arraycopy(buf, lineStart, buf, 0, filled - lineStart);
            filled -= lineStart;
            bufPosition += lineStart;
            if (filled == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            int n = channel.read(ByteBuffer.wrap(buf, filled, buf.length - filled), bufPosition + filled);
            if (n < 0) {
                eof = true;
            } else {
                filled += n;
            }
        }
    }

    /**
     * Reads the whole file for the intervals' times only, through a memory map and touching little more than each
     * line's head: the visitor gets no tag (null) and the head as {@code text} (no histogram). Much cheaper than
     * {@link #scan} on large logs, for a first pass.
     */
    public void scanHeads(Path file, FileChannel channel, Visitor visitor) throws IOException {
        startTimeSec = 0;
        baseTimeSec = 0;
        baseTimeSeen = false;
        readTags = false;
        long size = channel.size();
        long mapStart = 0;
        while (mapStart < size) {
            long mapBytes = Math.min(MAP_BYTES, size - mapStart);
            boolean lastMap = mapStart + mapBytes == size;
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, mapStart, mapBytes);
            int n = (int) mapBytes;
            int lineStart = 0;
            while (lineStart < n) {
                int headBytes = Math.min(HEAD_BYTES, n - lineStart);
                map.get(lineStart, buf, 0, headBytes);
                long predicted = predictedLineLength(buf, 0, headBytes);
                int end = -1;
                if (predicted >= 0 && lineStart + predicted < n && map.get(lineStart + (int) predicted) == '\n') {
                    end = lineStart + (int) predicted;
                    line(file, mapStart + lineStart, 0, (int) Math.min(predicted, headBytes), visitor);
                } else {
                    for (int i = lineStart; i < n; i++) {
                        if (map.get(i) == '\n') {
                            end = i;
                            break;
                        }
                    }
                    if (end < 0 && !lastMap) {
                        break;
                    }
                    int lineEnd = end < 0 ? n : end;
                    if (lineEnd - lineStart > buf.length) {
                        buf = new byte[lineEnd - lineStart];
                    }
                    map.get(lineStart, buf, 0, lineEnd - lineStart);
                    line(file, mapStart + lineStart, 0, lineEnd - lineStart, visitor);
                    if (end < 0) {
                        end = n;
                    }
                }
                lineStart = end + 1;
            }
            if (lineStart == 0 && !lastMap) {
                throw new IOException(file + ": a line longer than " + MAP_BYTES + " bytes at byte " + mapStart);
            }
            mapStart += lastMap ? mapBytes : lineStart;
        }
    }

    /** The header state for reading on from the line at {@code position} (call from {@link Visitor#interval}). */
    public Checkpoint checkpoint(long position) {
        return new Checkpoint(position, startTimeSec, baseTimeSec, baseTimeSeen);
    }

    /** Index of the {@code '\n'} ending the line at {@code start}, -1 when it is not in {@code b} yet. */
    private static int lineEnd(byte[] b, int start, int filled) {
        long predicted = predictedLineLength(b, start, filled);
        if (predicted >= 0) {
            long end = start + predicted;
            if (end < filled && b[(int) end] == '\n') {
                return (int) end;
            }
            if (end + 1 < filled && b[(int) end] == '\r' && b[(int) end + 1] == '\n') {
                return (int) end + 1;
            }
        }
        return indexOf(b, start, filled);
    }

    /**
     * The length (without line end) a data line declares, so that a line is found without reading its hundreds of
     * base64 characters: the histogram's first 12 characters encode the compressed cookie and the byte length that
     * follows it. -1 when the line is no such data line or its head is not within {@code filled}; the caller checks
     * that a line end follows.
     */
    static long predictedLineLength(byte[] b, int start, int filled) {
        if (start >= filled || (b[start] != 'T' && (b[start] < '0' || b[start] > '9'))) {
            return -1;
        }
        int commas = b[start] == 'T' ? 4 : 3;
        int limit = Math.min(filled, start + MAX_LINE_HEAD_BYTES);
        int p = start;
        while (p < limit && commas > 0) {
            if (b[p++] == ',') {
                commas--;
            }
        }
        if (commas > 0 || p + COOKIE_AND_LENGTH_CHARS > filled) {
            return -1;
        }
        // 12 characters are 72 bits: the cookie (32) and the length (32), then 8 bits of what follows. In two
        // parts, as a long holds 64: 8 characters (cookie, 16 bits of length), then 4 (16 bits of length, 8 more).
        long first = 0;
        long second = 0;
        for (int i = 0; i < COOKIE_AND_LENGTH_CHARS; i++) {
            int v = BASE64_VALUES[b[p + i] & 0xff];
            if (v < 0) {
                return -1;
            }
            if (i < 8) {
                first = first << 6 | v;
            } else {
                second = second << 6 | v;
            }
        }
        int cookie = (int) (first >>> 16);
        long length = (first & 0xffff) << 16 | second >>> 8;
        if ((cookie & COOKIE_BASE_MASK) != V2_COMPRESSED_COOKIE || length > Integer.MAX_VALUE) {
            return -1;
        }
        return p - start + 4 * ((COMPRESSED_HEADER_BYTES + length + 2) / 3);
    }

    private static int indexOf(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void line(Path file, long position, int start, int end, Visitor visitor) throws IOException {
        byte[] b = buf;
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
                data(position, b, start, end, visitor);
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": line at byte " + position + ": " + e.getMessage(), e);
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

    private void data(long position, byte[] b, int start, int end, Visitor visitor) {
        int p = start;
        String tag = UNTAGGED;
        if (startsWith(b, start, end, TAG_PREFIX)) {
            int comma = comma(b, start, end);
            tag = readTags ? tags.intern(b, start + TAG_PREFIX.length, comma) : null;
            p = comma + 1;
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
        visitor.interval(position, tag, (long) (absoluteStartSec * 1000.0),
                (long) ((absoluteStartSec + lengthSec) * 1000.0), b, c3 + 1, end - c3 - 1);
    }

    private static int comma(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == ',') {
                return i;
            }
        }
        throw new IllegalArgumentException("expected [Tag=tag,]start,length,max,histogram");
    }

    /**
     * A decimal like {@code 1709251200.000}, as {@link Double#parseDouble} reads it: for up to 15 digits the digits
     * as a long divided by a power of ten, which IEEE division rounds correctly, as parseDouble does; anything else
     * through parseDouble.
     */
    static double number(byte[] b, int from, int to) {
        long digits = 0;
        int count = 0;
        int decimals = -1;
        for (int i = from; i < to; i++) {
            int c = b[i];
            if (c >= '0' && c <= '9') {
                digits = digits * 10 + (c - '0');
                count++;
                if (decimals >= 0) {
                    decimals++;
                }
            } else if (c == '.' && decimals < 0) {
                decimals = 0;
            } else {
                count = MAX_FAST_DIGITS + 1;
                break;
            }
        }
        if (count > 0 && count <= MAX_FAST_DIGITS) {
            return decimals <= 0 ? digits : digits / POWERS_OF_TEN[decimals];
        }
        try {
            return Double.parseDouble(new String(b, from, to - from, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + new String(b, from, Math.min(to - from, 40),
                    StandardCharsets.US_ASCII).replaceAll("[^\\x20-\\x7e]", "?"));
        }
    }

    private static double leadingNumber(byte[] b, int from, int end) {
        int to = from;
        while (to < end && ((b[to] >= '0' && b[to] <= '9') || b[to] == '.' || b[to] == '-')) {
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

    /** Tags seen so far, found by their bytes: the same String for every line of a tag, none allocated per line. */
    private static final class TagTable {
        private byte[][] keys = new byte[64][];
        private String[] values = new String[64];
        private int size;

        String intern(byte[] b, int from, int to) {
            int hash = 1;
            for (int i = from; i < to; i++) {
                hash = 31 * hash + b[i];
            }
            int mask = keys.length - 1;
            for (int slot = mix(hash) & mask; ; slot = (slot + 1) & mask) {
                byte[] key = keys[slot];
                if (key == null) {
                    return add(slot, b, from, to);
                }
                if (Arrays.equals(key, 0, key.length, b, from, to)) {
                    return values[slot];
                }
            }
        }

        private String add(int slot, byte[] b, int from, int to) {
            String tag = new String(b, from, to - from, StandardCharsets.US_ASCII);
            keys[slot] = Arrays.copyOfRange(b, from, to);
            values[slot] = tag;
            if (++size * 2 > keys.length) {
                grow();
            }
            return tag;
        }

        private void grow() {
            byte[][] oldKeys = keys;
            String[] oldValues = values;
            keys = new byte[oldKeys.length * 2][];
            values = new String[oldKeys.length * 2];
            int mask = keys.length - 1;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != null) {
                    int hash = 1;
                    for (byte x : oldKeys[i]) {
                        hash = 31 * hash + x;
                    }
                    int slot = mix(hash) & mask;
                    while (keys[slot] != null) {
                        slot = (slot + 1) & mask;
                    }
                    keys[slot] = oldKeys[i];
                    values[slot] = oldValues[i];
                }
            }
        }

        private static int mix(int hash) {
            return hash ^ (hash >>> 16);
        }
    }
}
