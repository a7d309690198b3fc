package io.ringcast.perf.load.media;

import java.util.Arrays;

/**
 * The published timestamps of one track's frames, by frame index, while the publisher loops its file: frame
 * {@code i} is the file's frame {@code i mod n} of loop {@code i / n}, shifted by a whole loop duration per loop,
 * so timestamps strictly increase across loops. Immutable; any thread.
 * <p>
 * Viewers map a received timestamp back to the frame index with {@link #indexOf}, which needs no state shared with
 * the publisher; the mapping is exact because servers forward the millisecond timestamps they received (possibly
 * shifted by a constant per viewer, which the caller removes first).
 */
public final class MediaTimeline {
    /** What {@link #indexOf} returns for a timestamp no frame has. */
    public static final long NO_FRAME = -1;

    private final long[] fileTimestampsMs;
    private final long loopDurationMs;

    /**
     * @param fileTimestampsMs the track's frame timestamps in file order, strictly increasing
     * @param loopDurationMs   how far each loop is shifted; more than the last timestamp minus the first
     */
    public MediaTimeline(long[] fileTimestampsMs, long loopDurationMs) {
        if (fileTimestampsMs.length == 0) {
            throw new IllegalArgumentException("a timeline needs at least one frame");
        }
        for (int i = 1; i < fileTimestampsMs.length; i++) {
            if (fileTimestampsMs[i] <= fileTimestampsMs[i - 1]) {
                throw new IllegalArgumentException("timestamps must strictly increase: frame " + i + " at "
                        + fileTimestampsMs[i] + " ms after " + fileTimestampsMs[i - 1] + " ms");
            }
        }
        long span = fileTimestampsMs[fileTimestampsMs.length - 1] - fileTimestampsMs[0];
        if (loopDurationMs <= span) {
            throw new IllegalArgumentException("loopDurationMs must exceed the span " + span + ": " + loopDurationMs);
        }
        this.fileTimestampsMs = fileTimestampsMs.clone();
        this.loopDurationMs = loopDurationMs;
    }

    /** Frames per loop. */
    public int framesPerLoop() {
        return fileTimestampsMs.length;
    }

    /** The published timestamp of frame {@code index} (0-based, counting across loops). */
    public long timestampMs(long index) {
        int n = fileTimestampsMs.length;
        return fileTimestampsMs[(int) (index % n)] + index / n * loopDurationMs;
    }

    /** The index of the frame published with {@code timestampMs}, or {@link #NO_FRAME}. */
    public long indexOf(long timestampMs) {
        long loop = Math.floorDiv(timestampMs - fileTimestampsMs[0], loopDurationMs);
        if (loop < 0) {
            return NO_FRAME;
        }
        int k = Arrays.binarySearch(fileTimestampsMs, timestampMs - loop * loopDurationMs);
        return k < 0 ? NO_FRAME : loop * fileTimestampsMs.length + k;
    }
}
