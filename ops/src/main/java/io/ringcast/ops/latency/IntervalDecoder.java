package io.ringcast.ops.latency;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes one base64 compressed histogram of an interval log into its non-zero (index, count) entries, reusing its
 * buffers: no histogram is allocated for the usual encoding. That encoding (HdrHistogram's V2, as
 * {@code HistogramLogWriter} writes it) is a cookie and length, then zlib of a 40-byte header (cookie, payload
 * length, normalizing index offset, significant digits, lowest discernible value, highest trackable value, double
 * conversion ratio) and the counts by index as ZigZag LEB128 numbers, where a negative number skips that many zero
 * counts. Anything else (older cookies, shifted histograms) goes through HdrHistogram's own decoder. One thread.
 */
public final class IntervalDecoder {
    private static final int COOKIE_BASE_MASK = ~0xf0;
    private static final int V2_ENCODING_COOKIE = 0x1c849303;
    private static final int V2_COMPRESSED_COOKIE = 0x1c849304;
    private static final int COMPRESSED_HEADER_BYTES = 8;
    private static final int HEADER_BYTES = 40;
    private static final Base64.Decoder BASE64 = Base64.getDecoder();

    private final Inflater inflater = new Inflater();
    private byte[] compressed = new byte[4096];
    private byte[] inflated = new byte[16384];

    private IndexLayout layout;
    private IndexLayout.Arithmetic arithmetic;
    private int[] indexes = new int[1024];
    private long[] counts = new long[1024];
    private int size;
    private long totalCount;
    private int maxIndex;

    /** Layout of the last decoded interval. */
    public IndexLayout layout() {
        return layout;
    }

    /** Indexes of the last interval's non-zero counts, ascending; valid for {@link #size()} entries. */
    public int[] indexes() {
        return indexes;
    }

    public long[] counts() {
        return counts;
    }

    public int size() {
        return size;
    }

    public long totalCount() {
        return totalCount;
    }

    /** Highest value of the last interval, as HdrHistogram reports a maximum; 0 when empty. */
    public long maxValue() {
        return maxIndex < 0 ? 0 : arithmetic.highestValueAtIndex(maxIndex);
    }

    /** Highest non-zero index, -1 when the interval is empty. */
    public int maxIndex() {
        return maxIndex;
    }

    /**
     * Decodes {@code length} base64 characters at {@code offset} of {@code text}.
     *
     * @throws IllegalArgumentException when the text is no valid encoded histogram
     */
    public void decode(byte[] text, int offset, int length) {
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
        if (layout == null || layout.lowestDiscernibleValue() != lowest || layout.significantDigits() != digits) {
            layout = new IndexLayout(lowest, digits);
            arithmetic = layout.arithmetic();
        }
        readCounts(HEADER_BYTES, HEADER_BYTES + payloadLength);
        return true;
    }

    /** Reads ZigZag LEB128 numbers: a count at the next index, or (negative) a run of zero counts. */
    private void readCounts(int position, int end) {
        byte[] b = inflated;
        // Every entry takes at least one byte: room for all of them (and one spare write) up front.
        if (indexes.length <= end - position) {
            indexes = new int[end - position + 1];
            counts = new long[end - position + 1];
        }
        int[] outIndexes = indexes;
        long[] outCounts = counts;
        int n = 0;
        long total = 0;
        int p = position;
        int index = 0;
        while (p < end) {
            int v = b[p++];
            long raw;
            if (v >= 0) {
                raw = v;
            } else {
                raw = v & 0x7f;
                int shift = 7;
                do {
                    v = b[p++];
                    raw |= shift == 56 ? ((long) (v & 0xff)) << 56 : ((long) (v & 0x7f)) << shift;
                    shift += 7;
                } while (v < 0 && shift <= 56);
            }
            long count = (raw >>> 1) ^ -(raw & 1);
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
        layout = new IndexLayout(h.getLowestDiscernibleValue(), h.getNumberOfSignificantValueDigits());
        arithmetic = layout.arithmetic();
        size = 0;
        totalCount = 0;
        maxIndex = -1;
        for (var v : h.recordedValues()) {
            append(arithmetic.indexOf(v.getValueIteratedTo()), v.getCountAtValueIteratedTo());
        }
    }

    private int base64Decode(byte[] text, int offset, int length) {
        ByteBuffer decoded;
        try {
            decoded = BASE64.decode(ByteBuffer.wrap(text, offset, length));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("histogram is not base64: " + e.getMessage(), e);
        }
        int n = decoded.remaining();
        if (compressed.length < n) {
            compressed = new byte[Math.max(n, compressed.length * 2)];
        }
        decoded.get(compressed, 0, n);
        return n;
    }
}
