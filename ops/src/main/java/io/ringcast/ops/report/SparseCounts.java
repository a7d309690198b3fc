package io.ringcast.ops.report;

import java.util.Arrays;

/** The non-zero counts of a histogram by index, compactly, for histograms kept until the end of a report. */
record SparseCounts(IndexLayout layout, int[] indexes, long[] counts) {
    static SparseCounts of(IndexLayout layout, int[] indexes, long[] counts, int n) {
        return new SparseCounts(layout, Arrays.copyOf(indexes, n), Arrays.copyOf(counts, n));
    }

    void addTo(Counts target) {
        target.add(layout, indexes, counts, indexes.length);
    }
}
