package io.ringcast.broadcast.media.mp4;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.List;

import static io.ringcast.broadcast.media.mp4.Mp4Boxes.find;
import static io.ringcast.broadcast.media.mp4.Mp4Boxes.fourCc;
import static io.ringcast.broadcast.media.mp4.Mp4Boxes.one;
import static io.ringcast.broadcast.media.mp4.Mp4Boxes.top;
import static io.ringcast.broadcast.media.mp4.Mp4Boxes.u16;
import static io.ringcast.broadcast.media.mp4.Mp4Boxes.u32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The init segment's box tree and fields against ISO/IEC 14496-12 (8.2.2 mvhd, 8.3.2 tkhd, 8.4.2 mdhd, 8.8.3). */
@Timeout(10)
class InitSegmentTest {
    private static final byte[] VIDEO_ENTRY = SampleEntries.avc1(640, 360, new byte[] {1, 0x42, 0, 0x1E, -1, -31});
    private static final byte[] AUDIO_ENTRY = SampleEntries.mp4a(2, 48_000, new byte[] {0x11, (byte) 0x90});

    @Test
    void shouldWriteFtypThenMoovWithOneTrakAndTrexPerTrack() {
        byte[] init = InitSegment.write(List.of(new Mp4Track(1, true, 90_000, 640, 360, VIDEO_ENTRY),
                new Mp4Track(2, false, 48_000, 0, 0, AUDIO_ENTRY)));

        List<Mp4Boxes.Box> top = top(init);
        assertEquals(List.of("ftyp", "moov"), top.stream().map(Mp4Boxes.Box::type).toList());
        Mp4Boxes.Box ftyp = top.get(0);
        assertEquals("iso6", fourCc(init, ftyp.payload()), "major brand");
        assertEquals(List.of("iso6", "cmfc", "mp41"), List.of(fourCc(init, ftyp.payload() + 8),
                fourCc(init, ftyp.payload() + 12), fourCc(init, ftyp.payload() + 16)));
        Mp4Boxes.Box mvhd = one(init, "moov/mvhd");
        assertEquals(108, mvhd.size());
        assertEquals(1_000, u32(init, mvhd.payload() + 12), "movie timescale");
        assertEquals(3, u32(init, mvhd.end() - 4), "next_track_ID");

        List<Mp4Boxes.Box> tkhd = find(init, "moov/trak/tkhd");
        assertEquals(2, tkhd.size());
        Mp4Boxes.Box v = tkhd.get(0);
        assertEquals(3, u32(init, v.payload()) & 0xFFFFFF, "enabled, in movie");
        assertEquals(1, u32(init, v.payload() + 12), "track_ID");
        assertEquals(640 << 16, u32(init, v.end() - 8), "width 16.16");
        assertEquals(360 << 16, u32(init, v.end() - 4), "height 16.16");
        assertEquals(2, u32(init, tkhd.get(1).payload() + 12));
        assertEquals(0x0100, u16(init, tkhd.get(1).payload() + 36), "audio volume 1.0");

        List<Mp4Boxes.Box> mdhd = find(init, "moov/trak/mdia/mdhd");
        assertEquals(90_000, u32(init, mdhd.get(0).payload() + 12));
        assertEquals(48_000, u32(init, mdhd.get(1).payload() + 12));
        List<Mp4Boxes.Box> hdlr = find(init, "moov/trak/mdia/hdlr");
        assertEquals("vide", fourCc(init, hdlr.get(0).payload() + 8));
        assertEquals("soun", fourCc(init, hdlr.get(1).payload() + 8));
        assertEquals(1, find(init, "moov/trak/mdia/minf/vmhd").size());
        assertEquals(1, find(init, "moov/trak/mdia/minf/smhd").size());
        assertEquals(2, find(init, "moov/trak/mdia/minf/dinf/dref").size());

        List<Mp4Boxes.Box> stsd = find(init, "moov/trak/mdia/minf/stbl/stsd");
        assertEquals(1, u32(init, stsd.get(0).payload() + 4), "entry_count");
        assertArrayEquals(VIDEO_ENTRY, Arrays.copyOfRange(init, stsd.get(0).payload() + 8, stsd.get(0).end()));
        assertArrayEquals(AUDIO_ENTRY, Arrays.copyOfRange(init, stsd.get(1).payload() + 8, stsd.get(1).end()));
        for (String empty : List.of("stts", "stsc", "stco")) {
            for (Mp4Boxes.Box b : find(init, "moov/trak/mdia/minf/stbl/" + empty)) {
                assertEquals(16, b.size(), empty + " has no entries");
                assertEquals(0, u32(init, b.payload() + 4));
            }
        }

        List<Mp4Boxes.Box> trex = find(init, "moov/mvex/trex");
        assertEquals(2, trex.size());
        assertEquals(1, u32(init, trex.get(0).payload() + 4), "track_ID");
        assertEquals(1, u32(init, trex.get(0).payload() + 8), "default_sample_description_index");
        assertEquals(2, u32(init, trex.get(1).payload() + 4));
    }

    @Test
    void shouldWriteAnAudioOnlyInit() {
        byte[] init = InitSegment.write(List.of(new Mp4Track(2, false, 44_100, 0, 0, AUDIO_ENTRY)));

        assertEquals(1, find(init, "moov/trak").size());
        assertEquals(3, u32(init, one(init, "moov/mvhd").end() - 4), "next_track_ID after the audio track's 2");
        assertEquals(44_100, u32(init, one(init, "moov/trak/mdia/mdhd").payload() + 12));
    }

    @Test
    void shouldRefuseAnInitWithoutTracks() {
        assertThrows(IllegalArgumentException.class, () -> InitSegment.write(List.of()));
    }
}
