package io.ringcast.broadcast.media.mp4;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.util.Arrays;

import static io.ringcast.broadcast.media.mp4.BoxWriter.fourCc;

/**
 * Collects samples of up to {@link #MAX_TRACKS} tracks and writes them as one movie fragment, {@code moof} +
 * {@code mdat} (ISO/IEC 14496-12 8.8; a CMAF chunk): per track a {@code traf} with {@code tfhd}
 * (default-base-is-moof), {@code tfdt} (version 1, 64-bit base media decode time) and a {@code trun} (version 1)
 * listing each sample's duration, size, flags and signed composition time offset, its data offset pointing into the
 * {@code mdat}, where the tracks' samples follow each other in track order. Owned by one thread (a segmenter); the
 * sample tables and data buffers are reused, so at steady state adding and writing allocate nothing.
 *
 * <pre>
 * moof: mfhd(sequence_number)
 *       traf: tfhd(track_ID) tfdt(baseMediaDecodeTime) trun(count, data_offset, {duration size flags cto}*)
 *       traf ...
 * mdat: track 1 samples | track 2 samples
 * </pre>
 */
public final class FragmentWriter {
    public static final int MOOF = fourCc("moof");
    public static final int MFHD = fourCc("mfhd");
    public static final int TRAF = fourCc("traf");
    public static final int TFHD = fourCc("tfhd");
    public static final int TFDT = fourCc("tfdt");
    public static final int TRUN = fourCc("trun");
    public static final int MDAT = fourCc("mdat");
    public static final int MAX_TRACKS = 2;
    /** tfhd: base data offset is the moof's first byte. */
    public static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
    /** trun: data-offset, sample-duration, sample-size, sample-flags, sample-composition-time-offset present. */
    public static final int TRUN_FLAGS = 0x000001 | 0x000100 | 0x000200 | 0x000400 | 0x000800;
    /** Sample flags of a sync sample: depends on no other sample. */
    public static final int SYNC_SAMPLE_FLAGS = 0x02000000;
    /** Sample flags of a non-sync sample: depends on others, sample_is_non_sync_sample set. */
    public static final int NON_SYNC_SAMPLE_FLAGS = 0x01010000;
    /** Bytes per trun sample entry: duration, size, flags, composition offset. */
    public static final int TRUN_SAMPLE_LENGTH = 16;
    private static final int INITIAL_SAMPLES = 64;
    private static final int INITIAL_DATA_BYTES = 64 * 1024;

    private final int[] trackIds = new int[MAX_TRACKS];
    private final long[] baseDecodeTimes = new long[MAX_TRACKS];
    private final int[] counts = new int[MAX_TRACKS];
    private final int[][] durations = new int[MAX_TRACKS][INITIAL_SAMPLES];
    private final int[][] sizes = new int[MAX_TRACKS][INITIAL_SAMPLES];
    private final int[][] flags = new int[MAX_TRACKS][INITIAL_SAMPLES];
    private final int[][] compositionOffsets = new int[MAX_TRACKS][INITIAL_SAMPLES];
    private final ExpandableArrayBuffer[] data = new ExpandableArrayBuffer[MAX_TRACKS];
    private final int[] dataLengths = new int[MAX_TRACKS];
    /** Where each track's trun data_offset field is, while a fragment is being written. */
    private final int[] dataOffsetFields = new int[MAX_TRACKS];

    public FragmentWriter() {
        for (int i = 0; i < MAX_TRACKS; i++) {
            data[i] = new ExpandableArrayBuffer(INITIAL_DATA_BYTES);
        }
    }

    /** Declares slot {@code slot} (0 or 1) as track {@code trackId}; before adding its samples. */
    public void track(int slot, int trackId) {
        trackIds[slot] = trackId;
    }

    /** Samples pending in slot {@code slot}. */
    public int sampleCount(int slot) {
        return counts[slot];
    }

    /** Whether no slot holds a sample. */
    public boolean isEmpty() {
        for (int c : counts) {
            if (c > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Adds a sample to slot {@code slot}, copying its bytes.
     *
     * @param decodeTime        decode time in the track's timescale; the first sample's is the fragment's tfdt
     * @param duration          ticks until the next sample's decode time
     * @param sync              a sync sample (keyframe; every audio frame)
     * @param compositionOffset presentation minus decode time, ticks (may be negative)
     */
    public void add(int slot, long decodeTime, int duration, boolean sync, int compositionOffset,
                    DirectBuffer src, int offset, int length) {
        int i = counts[slot];
        if (i == 0) {
            baseDecodeTimes[slot] = decodeTime;
        }
        if (i == durations[slot].length) {
            grow(slot);
        }
        durations[slot][i] = duration;
        sizes[slot][i] = length;
        flags[slot][i] = sync ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS;
        compositionOffsets[slot][i] = compositionOffset;
        data[slot].putBytes(dataLengths[slot], src, offset, length);
        dataLengths[slot] += length;
        counts[slot] = i + 1;
    }

    /**
     * Appends {@code moof} + {@code mdat} holding every pending sample to {@code out} and forgets them. Nothing is
     * written when no sample is pending.
     *
     * @return bytes appended
     */
    public int write(BoxWriter out, int sequenceNumber) {
        if (isEmpty()) {
            return 0;
        }
        int moofStart = out.position();
        out.begin(MOOF);
        out.beginFull(MFHD, 0, 0).u32(sequenceNumber).end();
        for (int s = 0; s < MAX_TRACKS; s++) {
            int n = counts[s];
            if (n == 0) {
                continue;
            }
            out.begin(TRAF);
            out.beginFull(TFHD, 0, TFHD_DEFAULT_BASE_IS_MOOF).u32(trackIds[s]).end();
            out.beginFull(TFDT, 1, 0).u64(baseDecodeTimes[s]).end();
            out.beginFull(TRUN, 1, TRUN_FLAGS).u32(n);
            dataOffsetFields[s] = out.position();
            out.u32(0);
            int[] d = durations[s];
            int[] z = sizes[s];
            int[] f = flags[s];
            int[] c = compositionOffsets[s];
            for (int i = 0; i < n; i++) {
                out.u32(d[i]).u32(z[i]).u32(f[i]).u32(c[i]);
            }
            out.end(); // trun
            out.end(); // traf
        }
        out.end(); // moof
        out.begin(MDAT);
        for (int s = 0; s < MAX_TRACKS; s++) {
            if (counts[s] == 0) {
                continue;
            }
            out.patchU32(dataOffsetFields[s], out.position() - moofStart);
            out.bytes(data[s], 0, dataLengths[s]);
            counts[s] = 0;
            dataLengths[s] = 0;
        }
        out.end();
        return out.position() - moofStart;
    }

    private void grow(int slot) {
        int length = durations[slot].length * 2;
        durations[slot] = Arrays.copyOf(durations[slot], length);
        sizes[slot] = Arrays.copyOf(sizes[slot], length);
        flags[slot] = Arrays.copyOf(flags[slot], length);
        compositionOffsets[slot] = Arrays.copyOf(compositionOffsets[slot], length);
    }
}
