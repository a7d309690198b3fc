package io.ringcast.broadcast.media.mp4;

import java.util.List;

import static io.ringcast.broadcast.media.mp4.BoxWriter.fourCc;

/**
 * Writes a CMAF/fragmented-MP4 initialization segment (ISO/IEC 14496-12; CMAF ISO/IEC 23000-19 7.3.2): {@code ftyp}
 * and a {@code moov} with one {@code trak} per track (empty sample tables) and an {@code mvex} with a {@code trex}
 * per track, so that every sample lives in the fragments. A pure function; any thread.
 *
 * <pre>
 * ftyp
 * moov: mvhd, trak* (tkhd, mdia: mdhd, hdlr, minf: vmhd|smhd, dinf/dref/url, stbl: stsd, stts, stsc, stsz, stco),
 *       mvex: trex*
 * </pre>
 */
public final class InitSegment {
    public static final int FTYP = fourCc("ftyp");
    public static final int MOOV = fourCc("moov");
    public static final int MVHD = fourCc("mvhd");
    public static final int TRAK = fourCc("trak");
    public static final int TKHD = fourCc("tkhd");
    public static final int MDIA = fourCc("mdia");
    public static final int MDHD = fourCc("mdhd");
    public static final int HDLR = fourCc("hdlr");
    public static final int MINF = fourCc("minf");
    public static final int VMHD = fourCc("vmhd");
    public static final int SMHD = fourCc("smhd");
    public static final int DINF = fourCc("dinf");
    public static final int DREF = fourCc("dref");
    public static final int URL = fourCc("url ");
    public static final int STBL = fourCc("stbl");
    public static final int STSD = fourCc("stsd");
    public static final int STTS = fourCc("stts");
    public static final int STSC = fourCc("stsc");
    public static final int STSZ = fourCc("stsz");
    public static final int STCO = fourCc("stco");
    public static final int MVEX = fourCc("mvex");
    public static final int TREX = fourCc("trex");
    public static final int VIDE = fourCc("vide");
    public static final int SOUN = fourCc("soun");
    /** Brands: ISO base media v6 (major), CMAF, and MP4 v1 for older readers. */
    public static final int ISO6 = fourCc("iso6");
    public static final int CMFC = fourCc("cmfc");
    public static final int MP41 = fourCc("mp41");
    /** Movie timescale (mvhd): milliseconds; the tracks have their own. */
    public static final int MOVIE_TIMESCALE = 1_000;
    private static final int FIXED_ONE = 0x00010000;
    private static final int VOLUME_ONE = 0x0100;
    private static final int TRACK_ENABLED_IN_MOVIE = 0x000003;
    private static final int URL_SELF_CONTAINED = 0x000001;
    private static final int VMHD_FLAGS = 0x000001;
    /** ISO 639-2/T "und", packed as three 5-bit letters minus 0x60. */
    private static final int LANGUAGE_UNDETERMINED = 0x55C4;
    private static final int[] UNITY_MATRIX = {FIXED_ONE, 0, 0, 0, FIXED_ONE, 0, 0, 0, 0x40000000};

    private InitSegment() {
    }

    /** The init segment for {@code tracks} (one or two), in that order. */
    public static byte[] write(List<Mp4Track> tracks) {
        if (tracks.isEmpty()) {
            throw new IllegalArgumentException("an init segment needs a track");
        }
        int capacity = 1024;
        int nextTrackId = 1;
        for (Mp4Track t : tracks) {
            capacity += t.sampleEntry().length;
            nextTrackId = Math.max(nextTrackId, t.trackId() + 1);
        }
        BoxWriter w = new BoxWriter(capacity);
        w.begin(FTYP).u32(ISO6).u32(0).u32(ISO6).u32(CMFC).u32(MP41).end();
        w.begin(MOOV);
        w.beginFull(MVHD, 0, 0).u32(0).u32(0).u32(MOVIE_TIMESCALE).u32(0)
                .u32(FIXED_ONE).u16(VOLUME_ONE).zeros(10);
        matrix(w).zeros(24).u32(nextTrackId).end();
        for (Mp4Track t : tracks) {
            trak(w, t);
        }
        w.begin(MVEX);
        for (Mp4Track t : tracks) {
            w.beginFull(TREX, 0, 0).u32(t.trackId()).u32(1).u32(0).u32(0).u32(0).end();
        }
        w.end();
        return w.end().toByteArray();
    }

    private static void trak(BoxWriter w, Mp4Track t) {
        w.begin(TRAK);
        w.beginFull(TKHD, 0, TRACK_ENABLED_IN_MOVIE).u32(0).u32(0).u32(t.trackId()).u32(0).u32(0)
                .zeros(8).u16(0).u16(0).u16(t.video() ? 0 : VOLUME_ONE).u16(0);
        matrix(w).u32(t.width() << 16).u32(t.height() << 16).end();
        w.begin(MDIA);
        w.beginFull(MDHD, 0, 0).u32(0).u32(0).u32(t.timescale()).u32(0).u16(LANGUAGE_UNDETERMINED).u16(0).end();
        w.beginFull(HDLR, 0, 0).u32(0).u32(t.video() ? VIDE : SOUN).zeros(12)
                .bytes(t.video() ? "VideoHandler\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII)
                        : "SoundHandler\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).end();
        w.begin(MINF);
        if (t.video()) {
            w.beginFull(VMHD, 0, VMHD_FLAGS).u16(0).zeros(6).end();
        } else {
            w.beginFull(SMHD, 0, 0).u16(0).u16(0).end();
        }
        w.begin(DINF).beginFull(DREF, 0, 0).u32(1).beginFull(URL, 0, URL_SELF_CONTAINED).end().end().end();
        w.begin(STBL);
        w.beginFull(STSD, 0, 0).u32(1).bytes(t.sampleEntry()).end();
        w.beginFull(STTS, 0, 0).u32(0).end();
        w.beginFull(STSC, 0, 0).u32(0).end();
        w.beginFull(STSZ, 0, 0).u32(0).u32(0).end();
        w.beginFull(STCO, 0, 0).u32(0).end();
        w.end(); // stbl
        w.end(); // minf
        w.end(); // mdia
        w.end(); // trak
    }

    private static BoxWriter matrix(BoxWriter w) {
        for (int v : UNITY_MATRIX) {
            w.u32(v);
        }
        return w;
    }
}
