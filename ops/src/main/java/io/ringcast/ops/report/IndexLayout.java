package io.ringcast.ops.report;

/**
 * Where an HdrHistogram keeps each value: the bucket and sub-bucket arithmetic that follows from the lowest
 * discernible value and the number of significant digits (the highest trackable value only sets how many indexes
 * exist, not where a value goes). Two histograms with the same layout put every value at the same counts index, so
 * their counts add index by index. Immutable; any thread.
 */
public record IndexLayout(long lowestDiscernibleValue, int significantDigits) {
    public IndexLayout {
        if (lowestDiscernibleValue < 1) {
            throw new IllegalArgumentException("lowestDiscernibleValue must be at least 1: " + lowestDiscernibleValue);
        }
        if (significantDigits < 0 || significantDigits > 5) {
            throw new IllegalArgumentException("significantDigits must be 0..5: " + significantDigits);
        }
    }

    /** Values below {@code 2 * 10^digits} units are counted exactly: that many sub-buckets, rounded up to 2^n. */
    private int subBucketCountMagnitude() {
        long largestSingleUnitValue = 2 * (long) Math.pow(10, significantDigits);
        return (int) Math.ceil(Math.log((double) largestSingleUnitValue) / Math.log(2));
    }

    private int subBucketHalfCountMagnitude() {
        return Math.max(subBucketCountMagnitude(), 1) - 1;
    }

    private int unitMagnitude() {
        return 63 - Long.numberOfLeadingZeros(lowestDiscernibleValue);
    }

    /** A layout with its derived constants, for loops over many indexes. */
    public Arithmetic arithmetic() {
        return new Arithmetic(unitMagnitude(), subBucketHalfCountMagnitude());
    }

    /** The derived constants of a layout and its index arithmetic. */
    public static final class Arithmetic {
        private final int unitMagnitude;
        private final int subBucketHalfCountMagnitude;
        private final int subBucketHalfCount;
        private final long subBucketMask;
        private final int leadingZeroCountBase;

        Arithmetic(int unitMagnitude, int subBucketHalfCountMagnitude) {
            this.unitMagnitude = unitMagnitude;
            this.subBucketHalfCountMagnitude = subBucketHalfCountMagnitude;
            this.subBucketHalfCount = 1 << subBucketHalfCountMagnitude;
            int subBucketCount = subBucketHalfCount << 1;
            this.subBucketMask = ((long) subBucketCount - 1) << unitMagnitude;
            this.leadingZeroCountBase = 64 - unitMagnitude - (subBucketHalfCountMagnitude + 1);
        }

        /** The lowest value counted at {@code index}. */
        public long valueFromIndex(int index) {
            int bucket = (index >> subBucketHalfCountMagnitude) - 1;
            int subBucket = (index & (subBucketHalfCount - 1)) + subBucketHalfCount;
            if (bucket < 0) {
                subBucket -= subBucketHalfCount;
                bucket = 0;
            }
            return (long) subBucket << (bucket + unitMagnitude);
        }

        /** The highest value counted at {@code index} (what HdrHistogram reports for a maximum or percentile). */
        public long highestValueAtIndex(int index) {
            int bucket = java.lang.Math.max((index >> subBucketHalfCountMagnitude) - 1, 0);
            return valueFromIndex(index) + (1L << (bucket + unitMagnitude)) - 1;
        }

        /** How many counts indexes a histogram tracking up to {@code highestValue} has: its whole last bucket. */
        public int countsLength(long highestValue) {
            int bucket = leadingZeroCountBase - Long.numberOfLeadingZeros(highestValue | subBucketMask);
            return (bucket + 2) << subBucketHalfCountMagnitude;
        }

        /** The index that counts {@code value} (non-negative). */
        public int indexOf(long value) {
            int bucket = leadingZeroCountBase - Long.numberOfLeadingZeros(value | subBucketMask);
            int subBucket = (int) (value >>> (bucket + unitMagnitude));
            return ((bucket + 1) << subBucketHalfCountMagnitude) + (subBucket - subBucketHalfCount);
        }
    }
}
