package io.ringcast.broadcast.hls;

import java.util.List;

/**
 * Renders a live media playlist (RFC 8216 4.3): version 3, target duration, media sequence, discontinuity
 * sequence and tags, EXTINF with millisecond precision and URIs relative to {@code /app/name.m3u8}. Stateless;
 * called once per segment by the segmenter thread.
 */
public final class Playlist {
    public static final String CONTENT_TYPE = "application/vnd.apple.mpegurl";
    public static final int VERSION = 3;

    private Playlist() {
    }

    public static String render(List<HlsSegment> segments, long discontinuitySequence, int targetDurationS,
                                boolean withDiscontinuitySequence, String streamName) {
        StringBuilder out = new StringBuilder(128 + 48 * segments.size());
        out.append("#EXTM3U\n");
        out.append("#EXT-X-VERSION:").append(VERSION).append('\n');
        out.append("#EXT-X-TARGETDURATION:").append(targetDurationS).append('\n');
        out.append("#EXT-X-MEDIA-SEQUENCE:").append(segments.isEmpty() ? 0 : segments.get(0).sequence())
                .append('\n');
        if (withDiscontinuitySequence) {
            out.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuitySequence).append('\n');
        }
        for (HlsSegment s : segments) {
            if (s.discontinuity()) {
                out.append("#EXT-X-DISCONTINUITY\n");
            }
            long ms = s.durationMs();
            out.append("#EXTINF:").append(ms / 1000).append('.');
            long fraction = ms % 1000;
            if (fraction < 100) {
                out.append('0');
            }
            if (fraction < 10) {
                out.append('0');
            }
            out.append(fraction).append(",\n");
            out.append(s.uri(streamName)).append('\n');
        }
        return out.toString();
    }
}
