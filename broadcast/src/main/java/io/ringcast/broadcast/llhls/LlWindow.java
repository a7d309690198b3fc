package io.ringcast.broadcast.llhls;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of a stream's LL-HLS window, published by its segmenter at every part's completion and read
 * by any thread without locks: the complete segments, the segment being written (its complete parts, and the open
 * part that the preload hint names), the init segments they need and the playlists rendered once.
 *
 * @param streamName            the {@code name} of the stream path
 * @param segments              complete segments, oldest first, consecutive sequence numbers
 * @param discontinuitySequence discontinuities that have left the window
 * @param targetDurationS       EXT-X-TARGETDURATION; never decreases
 * @param openSequence          sequence number of the segment being written
 * @param openDiscontinuity     whether the segment being written starts a discontinuity
 * @param openInitGeneration    the init segment the segment being written needs
 * @param openParts             the complete parts of the segment being written
 * @param hint                  the part being written (EXT-X-PRELOAD-HINT), or null
 * @param inits                 init segments by generation, for the generations listed segments need
 * @param playlist              the playlist for {@code /llhls/app/name.m3u8}, UTF-8; empty before the first part
 * @param aliasPlaylist         the same for {@code /app/name.m3u8} (URIs reach up to {@code /llhls/}), or empty
 *                              when that URL serves MPEG-TS
 */
public record LlWindow(String streamName, List<LlSegment> segments, long discontinuitySequence, int targetDurationS,
                       long openSequence, boolean openDiscontinuity, int openInitGeneration, List<LlPart> openParts,
                       LlPart hint, Map<Integer, byte[]> inits, byte[] playlist, byte[] aliasPlaylist) {
    public LlWindow {
        segments = List.copyOf(segments);
        openParts = List.copyOf(openParts);
        inits = Map.copyOf(inits);
    }

    /** The window before the first part. */
    public static LlWindow empty(String streamName) {
        return new LlWindow(streamName, List.of(), 0, 0, 0, false, 0, List.of(), null, Map.of(), new byte[0],
                new byte[0]);
    }

    /** Whether it lists no part yet (nothing to play). */
    public boolean isEmpty() {
        return segments.isEmpty() && openParts.isEmpty();
    }

    /** EXT-X-MEDIA-SEQUENCE: the first listed segment's sequence number (the open one when none is complete). */
    public long firstSequence() {
        return segments.isEmpty() ? openSequence : segments.get(0).sequence();
    }

    /** Sequence number of the last complete segment, or {@code firstSequence() - 1} when there is none. */
    public long lastCompleteSequence() {
        return segments.isEmpty() ? openSequence - 1 : segments.get(segments.size() - 1).sequence();
    }

    /** The last complete part: the open segment's last, else the last segment's last; null when none. */
    public LlPart lastPart() {
        if (!openParts.isEmpty()) {
            return openParts.get(openParts.size() - 1);
        }
        if (segments.isEmpty()) {
            return null;
        }
        List<LlPart> parts = segments.get(segments.size() - 1).parts();
        return parts.isEmpty() ? null : parts.get(parts.size() - 1);
    }

    /**
     * Whether a blocking reload for part {@code part} of segment {@code sequence} is satisfied (RFC 8216bis
     * 6.2.5.2): that part or a later one is complete. A part index past the end of a complete segment means the next
     * segment's first part, which this rule also covers.
     */
    public boolean hasPart(long sequence, int part) {
        LlPart last = lastPart();
        return last != null && (sequence < last.sequence() || (sequence == last.sequence() && part <= last.index()));
    }

    /** Whether the segment {@code sequence} is complete (a blocking reload without {@code _HLS_part}). */
    public boolean hasSegment(long sequence) {
        return !segments.isEmpty() && sequence <= lastCompleteSequence();
    }

    /** The complete segment with this sequence number in the window, or null. */
    public LlSegment segment(long sequence) {
        long i = sequence - (segments.isEmpty() ? 0 : segments.get(0).sequence());
        return segments.isEmpty() || i < 0 || i >= segments.size() ? null : segments.get((int) i);
    }

    /** A part still held (complete or being written), or null. */
    public LlPart part(long sequence, int index) {
        if (sequence == openSequence) {
            if (index >= 0 && index < openParts.size()) {
                return openParts.get(index);
            }
            return hint != null && hint.sequence() == sequence && hint.index() == index ? hint : null;
        }
        if (hint != null && hint.sequence() == sequence && hint.index() == index) {
            return hint;
        }
        LlSegment segment = segment(sequence);
        return segment == null || index < 0 || index >= segment.parts().size() ? null : segment.parts().get(index);
    }

    /** The init segment of a generation, or null. */
    public byte[] init(int generation) {
        return inits.get(generation);
    }

    public String playlistText() {
        return new String(playlist, StandardCharsets.UTF_8);
    }
}
