package io.ringcast.broadcast.media.mp4;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.List;

import static io.ringcast.broadcast.media.mp4.Mp4Boxes.find;
import static io.ringcast.broadcast.media.mp4.Mp4Boxes.one;
import static io.ringcast.broadcast.media.mp4.Mp4Boxes.top;
import static io.ringcast.broadcast.media.mp4.Mp4Boxes.u32;
import static io.ringcast.broadcast.media.mp4.Mp4Boxes.u64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** moof + mdat byte by byte against ISO/IEC 14496-12 8.8.4 (mfhd), 8.8.7 (tfhd), 8.8.12 (tfdt), 8.8.8 (trun). */
@Timeout(10)
class FragmentWriterTest {
    private static final byte[] KEY = {0, 0, 0, 3, 0x65, 1, 2};
    private static final byte[] DELTA = {0, 0, 0, 2, 0x41, 9};
    private static final byte[] AAC1 = {0x21, 0x10, 0x05};
    private static final byte[] AAC2 = {0x21, 0x10, 0x06, 0x07};

    @Test
    void shouldWriteOneTrafPerTrackWithDataOffsetsIntoTheMdat() {
        FragmentWriter f = new FragmentWriter();
        f.track(0, 1);
        f.track(1, 2);
        f.add(0, 900_000_000_000L, 3_000, true, 6_000, new UnsafeBuffer(KEY), 0, KEY.length);
        f.add(0, 900_000_003_000L, 3_000, false, -3_000, new UnsafeBuffer(DELTA), 0, DELTA.length);
        f.add(1, 441_000L, 1_024, true, 0, new UnsafeBuffer(AAC1), 0, AAC1.length);
        f.add(1, 442_024L, 1_024, true, 0, new UnsafeBuffer(AAC2), 0, AAC2.length);
        BoxWriter out = new BoxWriter(16);

        int written = f.write(out, 7);

        byte[] b = out.toByteArray();
        assertEquals(b.length, written);
        assertEquals(List.of("moof", "mdat"), top(b).stream().map(Mp4Boxes.Box::type).toList());
        assertEquals(7, u32(b, one(b, "moof/mfhd").payload() + 4), "sequence_number");
        List<Mp4Boxes.Box> tfhd = find(b, "moof/traf/tfhd");
        assertEquals(0x020000, u32(b, tfhd.get(0).payload()) & 0xFFFFFF, "default-base-is-moof");
        assertEquals(1, u32(b, tfhd.get(0).payload() + 4));
        assertEquals(2, u32(b, tfhd.get(1).payload() + 4));
        List<Mp4Boxes.Box> tfdt = find(b, "moof/traf/tfdt");
        assertEquals(1, b[tfdt.get(0).payload()], "version 1: 64-bit decode time");
        assertEquals(900_000_000_000L, u64(b, tfdt.get(0).payload() + 4));
        assertEquals(441_000L, u64(b, tfdt.get(1).payload() + 4));

        List<Mp4Boxes.Box> trun = find(b, "moof/traf/trun");
        int moof = top(b).get(0).offset();
        Mp4Boxes.Box mdat = top(b).get(1);
        int v = trun.get(0).payload();
        assertEquals(0x01000F01, u32(b, v), "version 1; data offset, duration, size, flags, composition offset");
        assertEquals(2, u32(b, v + 4), "sample_count");
        int videoData = moof + u32(b, v + 8);
        assertEquals(mdat.payload(), videoData, "video data starts the mdat");
        assertSample(b, v + 12, 3_000, KEY.length, FragmentWriter.SYNC_SAMPLE_FLAGS, 6_000);
        assertSample(b, v + 28, 3_000, DELTA.length, FragmentWriter.NON_SYNC_SAMPLE_FLAGS, -3_000);
        assertEquals(trun.get(0).end(), v + 44);
        int a = trun.get(1).payload();
        int audioData = moof + u32(b, a + 8);
        assertEquals(videoData + KEY.length + DELTA.length, audioData, "audio follows the video in the mdat");
        assertSample(b, a + 12, 1_024, AAC1.length, FragmentWriter.SYNC_SAMPLE_FLAGS, 0);
        assertSample(b, a + 28, 1_024, AAC2.length, FragmentWriter.SYNC_SAMPLE_FLAGS, 0);

        assertArrayEquals(concat(KEY, DELTA, AAC1, AAC2), Arrays.copyOfRange(b, mdat.payload(), mdat.end()));
        assertTrue(f.isEmpty(), "written samples are forgotten");
    }

    @Test
    void shouldLeaveOutATrackWithoutSamplesAndWriteNothingWhenEmpty() {
        FragmentWriter f = new FragmentWriter();
        f.track(0, 1);
        f.track(1, 2);
        BoxWriter out = new BoxWriter(16);
        assertEquals(0, f.write(out, 1));
        assertEquals(0, out.position());

        f.add(1, 0, 1_024, true, 0, new UnsafeBuffer(AAC1), 0, AAC1.length);
        assertFalse(f.isEmpty());
        f.write(out, 2);

        byte[] b = out.toByteArray();
        List<Mp4Boxes.Box> tfhd = find(b, "moof/traf/tfhd");
        assertEquals(1, tfhd.size());
        assertEquals(2, u32(b, tfhd.get(0).payload() + 4));
    }

    @Test
    void shouldGrowItsSampleTablesBeyondTheFirstCapacity() {
        FragmentWriter f = new FragmentWriter();
        f.track(0, 1);
        int n = 1_000;
        for (int i = 0; i < n; i++) {
            f.add(0, i * 3_000L, 3_000, i == 0, 0, new UnsafeBuffer(DELTA), 0, DELTA.length);
        }
        BoxWriter out = new BoxWriter(16);
        f.write(out, 1);

        byte[] b = out.toByteArray();
        Mp4Boxes.Box trun = one(b, "moof/traf/trun");
        assertEquals(n, u32(b, trun.payload() + 4));
        assertEquals(n * DELTA.length + 8, one(b, "mdat").size());
        assertSample(b, trun.payload() + 12 + 16 * (n - 1), 3_000, DELTA.length,
                FragmentWriter.NON_SYNC_SAMPLE_FLAGS, 0);
    }

    private static void assertSample(byte[] b, int at, int duration, int size, int flags, int compositionOffset) {
        assertEquals(duration, u32(b, at), "sample_duration");
        assertEquals(size, u32(b, at + 4), "sample_size");
        assertEquals(flags, u32(b, at + 8), "sample_flags");
        assertEquals(compositionOffset, u32(b, at + 12), "sample_composition_time_offset (signed, version 1)");
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
