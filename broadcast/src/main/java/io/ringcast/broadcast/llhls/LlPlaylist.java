package io.ringcast.broadcast.llhls;

import java.util.List;

/**
 * Renders a Low-Latency HLS media playlist (RFC 8216bis 4.4.3.7, 4.4.3.8, 4.4.4.9, 4.4.5.3): version 6, target
 * duration, part target, server control (blocking reload, PART-HOLD-BACK of {@link #PART_HOLD_BACK_PARTS} part
 * targets), EXT-X-MAP per init generation, EXTINF and EXT-X-PART with millisecond precision, the parts of the last
 * {@link #SEGMENTS_WITH_PARTS} complete segments and of the segment being written, and a preload hint for the part
 * being written. Stateless; called by the segmenter thread once per part.
 */
public final class LlPlaylist {
    public static final String CONTENT_TYPE = "application/vnd.apple.mpegurl";
    public static final int VERSION = 6;
    /** RFC 8216bis 4.4.3.8: PART-HOLD-BACK at least twice, and should be three times, the part target. */
    public static final int PART_HOLD_BACK_PARTS = 3;
    /** Complete segments whose parts are still listed (parts are listed only near the live edge). */
    public static final int SEGMENTS_WITH_PARTS = 2;

    private LlPlaylist() {
    }

    /**
     * @param uriPrefix put before every URI: empty for the playlist at {@code /llhls/app/name.m3u8}
     */
    public static String render(LlWindow w, long partTargetMs, String uriPrefix) {
        StringBuilder out = new StringBuilder(512 + 64 * w.segments().size() + 96 * w.openParts().size());
        out.append("#EXTM3U\n#EXT-X-VERSION:").append(VERSION).append('\n');
        out.append("#EXT-X-TARGETDURATION:").append(w.targetDurationS()).append('\n');
        out.append("#EXT-X-PART-INF:PART-TARGET=");
        seconds(out, partTargetMs).append('\n');
        out.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=");
        seconds(out, PART_HOLD_BACK_PARTS * partTargetMs).append('\n');
        out.append("#EXT-X-MEDIA-SEQUENCE:").append(w.firstSequence()).append('\n');
        if (w.discontinuitySequence() > 0) {
            out.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(w.discontinuitySequence()).append('\n');
        }
        String name = w.streamName();
        int generation = -1;
        List<LlSegment> segments = w.segments();
        for (int i = 0; i < segments.size(); i++) {
            LlSegment s = segments.get(i);
            generation = segmentStart(out, s.discontinuity(), s.initGeneration(), generation, name, uriPrefix);
            if (i >= segments.size() - SEGMENTS_WITH_PARTS) {
                parts(out, s.parts(), name, uriPrefix);
            }
            out.append("#EXTINF:");
            seconds(out, s.durationMs()).append(",\n");
            out.append(uriPrefix).append(s.uri(name)).append('\n');
        }
        segmentStart(out, w.openDiscontinuity(), w.openInitGeneration(), generation,
                name, uriPrefix);
        parts(out, w.openParts(), name, uriPrefix);
        if (w.hint() != null) {
            out.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(uriPrefix).append(w.hint().uri(name))
                    .append("\"\n");
        }
        return out.toString();
    }

    private static int segmentStart(StringBuilder out, boolean discontinuity, int generation, int current,
                                    String name, String uriPrefix) {
        if (discontinuity) {
            out.append("#EXT-X-DISCONTINUITY\n");
        }
        if (generation != current) {
            out.append("#EXT-X-MAP:URI=\"").append(uriPrefix).append(initUri(name, generation)).append("\"\n");
        }
        return generation;
    }

    private static void parts(StringBuilder out, List<LlPart> parts, String name, String uriPrefix) {
        for (LlPart p : parts) {
            out.append("#EXT-X-PART:DURATION=");
            seconds(out, p.durationMs()).append(",URI=\"").append(uriPrefix).append(p.uri(name)).append('"');
            if (p.independent()) {
                out.append(",INDEPENDENT=YES");
            }
            out.append('\n');
        }
    }

    /** The init segment's URI relative to the playlist. */
    public static String initUri(String streamName, int generation) {
        return streamName + '/' + LlNames.INIT_PREFIX + generation + LlNames.INIT_SUFFIX;
    }

    private static StringBuilder seconds(StringBuilder out, long ms) {
        out.append(ms / 1000).append('.');
        long fraction = ms % 1000;
        if (fraction < 100) {
            out.append('0');
        }
        if (fraction < 10) {
            out.append('0');
        }
        return out.append(fraction);
    }
}
