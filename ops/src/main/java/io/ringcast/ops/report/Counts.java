package io.ringcast.ops.report;

import org.HdrHistogram.Histogram;

import java.util.Arrays;

/**
 * A sum of histograms as plain counts per HdrHistogram index of one {@link IndexLayout}: adding a decoded interval
 * costs one array add per non-zero index, where {@link Histogram#add} would walk every index. Turned back into a
 * {@link Histogram} for percentiles, which then equal those of the histograms added with {@code Histogram.add}.
 * One thread.
 */
public final class Counts {
    private final IndexLayout layout;
    private final IndexLayout.Arithmetic arithmetic;
    private long[] counts = new long[1024];
    private long totalCount;
    private int maxIndex = -1;
    /** Lowest index counted, {@code Integer.MAX_VALUE} when empty: where {@link #moveTo} starts. */
    private int minIndex = Integer.MAX_VALUE;

    public Counts(IndexLayout layout) {
        this.layout = layout;
        this.arithmetic = layout.arithmetic();
    }

    public IndexLayout layout() {
        return layout;
    }

    public long totalCount() {
        return totalCount;
    }

    /**
     * Adds {@code n} entries of a decoded interval in {@code from}'s layout (converting values if it differs); the
     * indexes ascend.
     */
    public void add(IndexLayout from, int[] indexes, long[] indexCounts, int n) {
        if (n == 0) {
            return;
        }
        if (from.equals(layout)) {
            int highest = indexes[n - 1];
            if (highest >= counts.length) {
                counts = Arrays.copyOf(counts, Math.max(highest + 1, counts.length * 2));
            }
            long[] c = counts;
            long added = 0;
            for (int i = 0; i < n; i++) {
                c[indexes[i]] += indexCounts[i];
                added += indexCounts[i];
            }
            totalCount += added;
            maxIndex = Math.max(maxIndex, highest);
            minIndex = Math.min(minIndex, indexes[0]);
        } else {
            IndexLayout.Arithmetic other = from.arithmetic();
            for (int i = 0; i < n; i++) {
                add(arithmetic.indexOf(other.valueFromIndex(indexes[i])), indexCounts[i]);
            }
        }
    }

    public void add(int index, long count) {
        if (index >= counts.length) {
            counts = Arrays.copyOf(counts, Math.max(index + 1, counts.length * 2));
        }
        counts[index] += count;
        totalCount += count;
        if (index > maxIndex) {
            maxIndex = index;
        }
        if (index < minIndex) {
            minIndex = index;
        }
    }

    /**
     * The counts array with room for indexes below {@code length}, for a caller adding to it directly; it must then
     * report what it added with {@link #added}.
     */
    long[] capacity(int length) {
        if (length > counts.length) {
            counts = Arrays.copyOf(counts, Math.max(length, counts.length * 2));
        }
        return counts;
    }

    /**
     * Books {@code total} counts added directly to the {@link #capacity} array, at indexes {@code lowest} to
     * {@code highest} (none when {@code highest} is -1).
     */
    void added(long total, int lowest, int highest) {
        totalCount += total;
        maxIndex = Math.max(maxIndex, highest);
        minIndex = Math.min(minIndex, lowest);
    }

    /**
     * Adds every count to both sums (of this layout) and clears this: one pass over the counted indexes, cheaper
     * than adding the intervals summed here to both one by one.
     */
    void moveTo(Counts first, Counts second) {
        assert first.layout.equals(layout) && second.layout.equals(layout);
        if (maxIndex < 0) {
            return;
        }
        long[] a = first.capacity(maxIndex + 1);
        long[] b = second.capacity(maxIndex + 1);
        long[] c = counts;
        for (int i = minIndex; i <= maxIndex; i++) {
            long count = c[i];
            a[i] += count;
            b[i] += count;
            c[i] = 0;
        }
        first.added(totalCount, minIndex, maxIndex);
        second.added(totalCount, minIndex, maxIndex);
        totalCount = 0;
        maxIndex = -1;
        minIndex = Integer.MAX_VALUE;
    }

    /** Adds what {@code other} counted. */
    public void add(Counts other) {
        for (int i = 0; i <= other.maxIndex; i++) {
            if (other.counts[i] != 0) {
                if (other.layout.equals(layout)) {
                    add(i, other.counts[i]);
                } else {
                    add(arithmetic.indexOf(other.arithmetic.valueFromIndex(i)), other.counts[i]);
                }
            }
        }
    }

    /** Adds every value of an in-memory histogram (e.g. the engine's interval histograms). */
    public void add(Histogram h) {
        for (var v : h.recordedValues()) {
            add(arithmetic.indexOf(v.getValueIteratedTo()), v.getCountAtValueIteratedTo());
        }
    }

    /** The non-zero counts, compactly. */
    SparseCounts toSparse() {
        int n = 0;
        for (int i = minIndex; i <= maxIndex; i++) {
            n += counts[i] != 0 ? 1 : 0;
        }
        int[] indexes = new int[n];
        long[] values = new long[n];
        int k = 0;
        for (int i = minIndex; i <= maxIndex && k < n; i++) {
            if (counts[i] != 0) {
                indexes[k] = i;
                values[k++] = counts[i];
            }
        }
        return new SparseCounts(layout, indexes, values);
    }

    /** Highest value counted (as HdrHistogram reports a maximum), 0 when empty. */
    public long maxValue() {
        return maxIndex < 0 ? 0 : arithmetic.highestValueAtIndex(maxIndex);
    }

    /** The counts as a histogram of this layout, sized to the highest value counted. */
    public Histogram toHistogram() {
        long highest = Math.max(2 * layout.lowestDiscernibleValue(), maxValue());
        Histogram h = new Histogram(layout.lowestDiscernibleValue(), highest, layout.significantDigits());
        for (int i = 0; i <= maxIndex; i++) {
            if (counts[i] != 0) {
                h.recordValueWithCount(arithmetic.valueFromIndex(i), counts[i]);
            }
        }
        return h;
    }

    public void clear() {
        Arrays.fill(counts, 0, maxIndex + 1, 0);
        totalCount = 0;
        maxIndex = -1;
        minIndex = Integer.MAX_VALUE;
    }
}
