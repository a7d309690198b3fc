package io.ringcast.ops.report;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import static io.ringcast.ops.report.HistogramEncoding.BASE64_VALUES;
import static io.ringcast.ops.report.HistogramEncoding.COMPRESSED_HEADER_BYTES;
import static io.ringcast.ops.report.HistogramEncoding.COOKIE_BASE_MASK;
import static io.ringcast.ops.report.HistogramEncoding.V2_COMPRESSED_COOKIE;
import static io.ringcast.ops.report.HistogramEncoding.V2_ENCODING_COOKIE;

/**
 * Decodes one base64 compressed histogram of an interval log, reusing its buffers: no histogram is allocated for the
 * usual encoding. After {@link #decode}, either {@link #addTo} adds the counts straight into a sum while reading
 * them (the fast path of a report), or {@link #indexes()} and friends give the non-zero (index, count) entries.
 * That encoding (HdrHistogram's V2, as
 * {@code HistogramLogWriter} writes it) is a cookie and length, then zlib of a 40-byte header (cookie, payload
 * length, normalizing index offset, significant digits, lowest discernible value, highest trackable value, double
 * conversion ratio) and the counts by index as ZigZag LEB128 numbers, where a negative number skips that many zero
 * counts. Anything else (older cookies, shifted histograms) goes through HdrHistogram's own decoder. One thread.
 */
public final class IntervalDecoder {
    private static final int HEADER_BYTES = 40;

    private final Inflater inflater = new Inflater();
    private final ZigZagReader numbers = new ZigZagReader();
    private byte[] compressed = new byte[4096];
    private byte[] inflated = new byte[16384];

    private IndexLayout layout;
    private IndexLayout.Arithmetic arithmetic;
    private int[] indexes = new int[1024];
    private long[] counts = new long[1024];
    private int size;
    private long totalCount;
    private int maxIndex;
    /** Whether the entries are in {@link #indexes} and {@link #counts} (else still encoded in the payload). */
    private boolean entriesRead;
    private boolean totalsKnown;
    private int payloadStart;
    private int payloadEnd;
    /** Counts indexes the payload may use: those of the histogram's counts array (HdrHistogram sizes it so). */
    private int indexLimit;

    /** Layout of the last decoded interval. */
    public IndexLayout layout() {
        return layout;
    }

    /** Indexes of the last interval's non-zero counts, ascending; valid for {@link #size()} entries. */
    public int[] indexes() {
        readEntries();
        return indexes;
    }

    public long[] counts() {
        readEntries();
        return counts;
    }

    public int size() {
        readEntries();
        return size;
    }

    public long totalCount() {
        readTotals();
        return totalCount;
    }

    /** Highest value of the last interval, as HdrHistogram reports a maximum; 0 when empty. */
    public long maxValue() {
        readTotals();
        return maxIndex < 0 ? 0 : arithmetic.highestValueAtIndex(maxIndex);
    }

    /** Highest non-zero index, -1 when the interval is empty. */
    public int maxIndex() {
        readTotals();
        return maxIndex;
    }

    /**
     * Adds the last interval's counts to {@code target}, which must have its {@link #layout()}: straight from the
     * encoded payload, one pass and no entry list. Afterwards {@link #totalCount()} and {@link #maxIndex()} are
     * known.
     */
    public void addTo(Counts target) {
        assert target.layout().equals(layout);
        if (entriesRead) {
            target.add(layout, indexes, counts, size);
            return;
        }
        addCounts(target.capacity(indexLimit));
        target.added(totalCount, maxIndex < 0 ? Integer.MAX_VALUE : firstCountedIndex(), maxIndex);
        totalsKnown = true;
    }

    /**
     * Adds the payload's counts to {@code a}; sets {@link #totalCount} and {@link #maxIndex}. The payload's last
     * number is the count at the highest index (HdrHistogram writes no trailing zeros), so only the end is checked
     * against the counts array's length.
     */
    private void addCounts(long[] a) {
        ZigZagReader in = numbers;
        in.wrap(inflated, payloadStart);
        long total = 0;
        long last = 0;
        int index = 0;
        int end = payloadEnd;
        try {
            while (in.position() < end) {
                long count = in.next();
                // Branch-free, as in readEntries: a zero run adds 0 at the current index and skips the run.
                long negative = count >> 63;
                long added = count & ~negative;
                a[index] += added;
                total += added;
                last = count;
                index += (int) ((negative & -count) | (~negative & 1));
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("histogram payload goes beyond its counts array", e);
        }
        if (index > indexLimit || index < 0) {
            throw new IllegalArgumentException("histogram payload goes beyond its highest trackable value");
        }
        totalCount = total;
        maxIndex = total == 0 ? -1 : last > 0 ? index - 1 : highestCountedIndex();
    }

    /** The highest index with a positive count, for payloads that end otherwise (not as HdrHistogram writes). */
    private int highestCountedIndex() {
        readEntries(payloadStart, payloadEnd);
        entriesRead = true;
        return maxIndex;
    }

    /**
     * Decodes {@code length} base64 characters at {@code offset} of {@code text}.
     *
     * @throws IllegalArgumentException when the text is no valid encoded histogram
     */
    public void decode(byte[] text, int offset, int length) {
        entriesRead = false;
        totalsKnown = false;
        int bytes = base64Decode(text, offset, length);
        ByteBuffer in = ByteBuffer.wrap(compressed, 0, bytes);
        int cookie = bytes >= COMPRESSED_HEADER_BYTES ? in.getInt(0) : 0;
        if ((cookie & COOKIE_BASE_MASK) != V2_COMPRESSED_COOKIE || !decodeV2(in.getInt(4), bytes)) {
            decodeWithHdrHistogram(bytes);
        }
    }

    private boolean decodeV2(int compressedLength, int bytes) {
        if (compressedLength > bytes - COMPRESSED_HEADER_BYTES || compressedLength < 0) {
            throw new IllegalArgumentException("compressed histogram truncated");
        }
        int inflatedLength = inflate(compressedLength);
        ByteBuffer header = ByteBuffer.wrap(inflated, 0, inflatedLength);
        if (inflatedLength < HEADER_BYTES || (header.getInt(0) & COOKIE_BASE_MASK) != V2_ENCODING_COOKIE
                || header.getInt(8) != 0) {
            return false;
        }
        int payloadLength = header.getInt(4);
        if (payloadLength > inflatedLength - HEADER_BYTES) {
            throw new IllegalArgumentException("histogram payload truncated");
        }
        long lowest = header.getLong(16);
        int digits = header.getInt(12);
        long highestTrackable = header.getLong(24);
        if (layout == null || layout.lowestDiscernibleValue() != lowest || layout.significantDigits() != digits) {
            layout = new IndexLayout(lowest, digits);
            arithmetic = layout.arithmetic();
        }
        if (highestTrackable < lowest) {
            throw new IllegalArgumentException("highest trackable value " + highestTrackable + " below lowest");
        }
        indexLimit = arithmetic.countsLength(highestTrackable);
        payloadStart = HEADER_BYTES;
        payloadEnd = HEADER_BYTES + payloadLength;
        return true;
    }

    /** Index of the first positive count of the payload (which has one): the lowest counted index. */
    private int firstCountedIndex() {
        ZigZagReader in = numbers;
        in.wrap(inflated, payloadStart);
        int index = 0;
        while (true) {
            long count = in.next();
            if (count > 0) {
                return index;
            }
            index += count < 0 ? (int) -count : 1;
        }
    }

    private void readTotals() {
        if (!totalsKnown) {
            readEntries();
        }
    }

    private void readEntries() {
        if (!entriesRead) {
            readEntries(payloadStart, payloadEnd);
            entriesRead = true;
            totalsKnown = true;
        }
    }

    /** Reads ZigZag LEB128 numbers: a count at the next index, or (negative) a run of zero counts. */
    private void readEntries(int position, int end) {
        // Every entry takes at least one byte: room for all of them (and one spare write) up front.
        if (indexes.length <= end - position) {
            indexes = new int[end - position + 1];
            counts = new long[end - position + 1];
        }
        int[] outIndexes = indexes;
        long[] outCounts = counts;
        ZigZagReader in = numbers;
        in.wrap(inflated, position);
        int n = 0;
        long total = 0;
        int index = 0;
        while (in.position() < end) {
            long count = in.next();
            // Branch-free (zero runs and counts alternate unpredictably): always write the slot, keep it only for a
            // positive count; advance the index by the run length for a negative number, else by one.
            long negative = count >> 63;
            outIndexes[n] = index;
            outCounts[n] = count;
            n += (int) (-count >>> 63);
            total += count & ~negative;
            index += (int) ((negative & -count) | (~negative & 1));
        }
        size = n;
        totalCount = total;
        maxIndex = n == 0 ? -1 : outIndexes[n - 1];
    }

    private void append(int index, long count) {
        if (size == indexes.length) {
            indexes = Arrays.copyOf(indexes, size * 2);
            counts = Arrays.copyOf(counts, size * 2);
        }
        indexes[size] = index;
        counts[size++] = count;
        totalCount += count;
        maxIndex = index;
    }

    private int inflate(int compressedLength) {
        inflater.reset();
        inflater.setInput(compressed, COMPRESSED_HEADER_BYTES, compressedLength);
        int total = 0;
        try {
            while (!inflater.finished()) {
                if (total == inflated.length) {
                    inflated = Arrays.copyOf(inflated, inflated.length * 2);
                }
                int n = inflater.inflate(inflated, total, inflated.length - total);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException("compressed histogram truncated");
                }
                total += n;
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("compressed histogram corrupt: " + e.getMessage(), e);
        }
        return total;
    }

    private void decodeWithHdrHistogram(int bytes) {
        Histogram decoded;
        try {
            decoded = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(compressed, 0, bytes), 0);
        } catch (DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("not an HdrHistogram integer histogram: " + e.getMessage(), e);
        }
        fromHistogram(decoded);
    }

    /** Takes the entries of an in-memory histogram, as if decoded. */
    public void fromHistogram(Histogram h) {
        entriesRead = true;
        totalsKnown = true;
        layout = new IndexLayout(h.getLowestDiscernibleValue(), h.getNumberOfSignificantValueDigits());
        arithmetic = layout.arithmetic();
        size = 0;
        totalCount = 0;
        maxIndex = -1;
        for (var v : h.recordedValues()) {
            append(arithmetic.indexOf(v.getValueIteratedTo()), v.getCountAtValueIteratedTo());
        }
    }

    /** Standard base64 (RFC 4648 section 4, padded, as HdrHistogram writes it) into {@link #compressed}. */
    private int base64Decode(byte[] text, int offset, int length) {
        if (length % 4 != 0) {
            throw new IllegalArgumentException("histogram is not base64: length " + length);
        }
        int padding = length == 0 ? 0 : text[offset + length - 1] != '=' ? 0 : text[offset + length - 2] != '=' ? 1 : 2;
        int n = length / 4 * 3 - padding;
        if (compressed.length < n + 2) {
            compressed = new byte[Math.max(n + 2, compressed.length * 2)];
        }
        byte[] out = compressed;
        int o = 0;
        int bad = 0;
        for (int i = offset, end = offset + length - (padding == 0 ? 0 : 4); i < end; i += 4) {
            int bits = BASE64_VALUES[text[i] & 0xff] << 18 | BASE64_VALUES[text[i + 1] & 0xff] << 12
                    | BASE64_VALUES[text[i + 2] & 0xff] << 6 | BASE64_VALUES[text[i + 3] & 0xff];
            bad |= bits;
            out[o] = (byte) (bits >> 16);
            out[o + 1] = (byte) (bits >> 8);
            out[o + 2] = (byte) bits;
            o += 3;
        }
        if (padding > 0) {
            int i = offset + length - 4;
            int bits = BASE64_VALUES[text[i] & 0xff] << 18 | BASE64_VALUES[text[i + 1] & 0xff] << 12
                    | (padding == 1 ? BASE64_VALUES[text[i + 2] & 0xff] << 6 : 0);
            bad |= bits;
            out[o] = (byte) (bits >> 16);
            out[o + 1] = (byte) (bits >> 8);
        }
        // An invalid character's value is negative, which sets the sign bit of the combined bits.
        if (bad < 0) {
            throw new IllegalArgumentException("histogram is not base64");
        }
        return n;
    }
}
