package io.ringcast.broadcast.hls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An immutable snapshot of a stream's sliding window: the segments a playlist lists, and the playlist text
 * rendered once at publication. The segmenter thread builds a new window per segment and publishes it through a
 * volatile field; servlet threads read whichever snapshot they find, without locks.
 *
 * @param streamName            the {@code name} part of the stream path (segment URIs start with it)
 * @param segments              oldest first, consecutive sequence numbers
 * @param discontinuitySequence EXT-X-DISCONTINUITY-SEQUENCE: discontinuities that have left the window
 * @param targetDurationS       EXT-X-TARGETDURATION: the longest segment so far, rounded up; never decreases
 *                              (RFC 8216 6.2.1 forbids changing it)
 * @param discontinuities       whether the stream has had a discontinuity (then the sequence tag is written)
 * @param playlist              the rendered playlist, UTF-8; empty when there are no segments
 */
public record HlsWindow(String streamName, List<HlsSegment> segments, long discontinuitySequence,
                        int targetDurationS, boolean discontinuities, byte[] playlist) {
    public HlsWindow {
        segments = List.copyOf(segments);
    }

    /** The window before the first segment. */
    public static HlsWindow empty(String streamName) {
        return new HlsWindow(streamName, List.of(), 0, 0, false, new byte[0]);
    }

    public boolean isEmpty() {
        return segments.isEmpty();
    }

    /** Sequence number of the first listed segment (EXT-X-MEDIA-SEQUENCE); 0 when empty. */
    public long firstSequence() {
        return segments.isEmpty() ? 0 : segments.get(0).sequence();
    }

    /** The segment with this sequence number, or null when it has left the window or does not exist yet. */
    public HlsSegment segment(long sequence) {
        long index = sequence - firstSequence();
        return index < 0 || index >= segments.size() ? null : segments.get((int) index);
    }

    /**
     * The next window: this one plus {@code segment}, dropping the oldest beyond {@code maxSegments}. Once per
     * segment on the segmenter thread.
     */
    public HlsWindow append(HlsSegment segment, int maxSegments) {
        List<HlsSegment> next = new ArrayList<>(Math.min(segments.size() + 1, maxSegments));
        long discontinuitySeq = discontinuitySequence;
        int drop = Math.max(0, segments.size() + 1 - maxSegments);
        for (int i = 0; i < segments.size(); i++) {
            HlsSegment s = segments.get(i);
            if (i < drop) {
                discontinuitySeq += s.discontinuity() ? 1 : 0;
            } else {
                next.add(s);
            }
        }
        next.add(segment);
        int target = Math.max(targetDurationS, (int) ((segment.durationMs() + 999) / 1000));
        boolean anyDiscontinuity = discontinuities || segment.discontinuity();
        String text = Playlist.render(next, discontinuitySeq, target, anyDiscontinuity, streamName);
        return new HlsWindow(streamName, next, discontinuitySeq, target, anyDiscontinuity,
                text.getBytes(StandardCharsets.UTF_8));
    }

    /** The playlist as text (tests, logs). */
    public String playlistText() {
        return new String(playlist, StandardCharsets.UTF_8);
    }
}
