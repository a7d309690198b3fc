package io.ringcast.perf.hostile;

import java.util.ArrayList;
import java.util.List;

/**
 * A live HLS playlist as a viewer reads it: its media sequence number and the absolute paths of its segments, in
 * order (URIs resolved against {@code /app/}). Immutable.
 */
record HlsPlaylist(long mediaSequence, List<String> segmentPaths) {
    private static final String MEDIA_SEQUENCE = "#EXT-X-MEDIA-SEQUENCE:";

    /** Parses a playlist served at {@code /app/name.m3u8}. */
    static HlsPlaylist parse(String app, String text) {
        long sequence = -1;
        List<String> paths = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.trim();
            if (l.startsWith(MEDIA_SEQUENCE)) {
                sequence = Long.parseLong(l.substring(MEDIA_SEQUENCE.length()));
            } else if (!l.isEmpty() && !l.startsWith("#")) {
                paths.add(l.startsWith("/") ? l : "/" + app + "/" + l);
            }
        }
        return new HlsPlaylist(sequence, List.copyOf(paths));
    }

    /** Fetches and parses {@code /app/name.m3u8}; null unless it answered 200. */
    static HlsPlaylist fetch(int httpPort, String app, String name, long timeoutMs) {
        RawHttp.Answer answer = RawHttp.get(httpPort, "/" + app + "/" + name + ".m3u8", timeoutMs);
        return answer.status() == 200 ? parse(app, answer.text()) : null;
    }

    /** The sequence number of the last segment. */
    long lastSequence() {
        return mediaSequence + segmentPaths.size() - 1;
    }
}
