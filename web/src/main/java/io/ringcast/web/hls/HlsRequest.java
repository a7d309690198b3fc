package io.ringcast.web.hls;

import io.ringcast.broadcast.stream.StreamPath;

import static io.ringcast.broadcast.hls.HlsNames.PLAYLIST_SUFFIX;
import static io.ringcast.broadcast.hls.HlsNames.SEGMENT_SUFFIX;

/**
 * What an HLS request names: the playlist {@code /app/name.m3u8} or the segment {@code /app/name/seq.ts}.
 * Immutable; parsed on request threads.
 *
 * @param path     the stream
 * @param sequence the segment's media sequence number, or {@link #PLAYLIST} for the playlist
 */
public record HlsRequest(StreamPath path, long sequence) {
    public static final long PLAYLIST = -1;
    /** Long enough for any sequence number a stream reaches, short enough never to overflow a long. */
    private static final int MAX_SEQUENCE_DIGITS = 18;

    public boolean isPlaylist() {
        return sequence == PLAYLIST;
    }

    /**
     * Parses servlet path plus path info (which holds the path depends on the mapping).
     *
     * @throws IllegalArgumentException when it is neither {@code /app/name.m3u8} nor {@code /app/name/seq.ts}
     *                                  with a valid stream path and a decimal sequence number
     */
    public static HlsRequest parse(String servletPath, String pathInfo) {
        String full = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        if (!full.startsWith("/")) {
            throw new IllegalArgumentException("expected /app/name" + PLAYLIST_SUFFIX);
        }
        if (full.endsWith(PLAYLIST_SUFFIX)) {
            return new HlsRequest(StreamPath.parse(full.substring(1, full.length() - PLAYLIST_SUFFIX.length())),
                    PLAYLIST);
        }
        if (!full.endsWith(SEGMENT_SUFFIX)) {
            throw new IllegalArgumentException("expected /app/name" + PLAYLIST_SUFFIX + " or /app/name/seq"
                    + SEGMENT_SUFFIX);
        }
        String withoutSuffix = full.substring(1, full.length() - SEGMENT_SUFFIX.length());
        int slash = withoutSuffix.lastIndexOf('/');
        String digits = slash < 0 ? "" : withoutSuffix.substring(slash + 1);
        if (digits.isEmpty() || digits.length() > MAX_SEQUENCE_DIGITS || !allDigits(digits)) {
            throw new IllegalArgumentException("expected /app/name/seq" + SEGMENT_SUFFIX + " with a decimal seq");
        }
        return new HlsRequest(StreamPath.parse(withoutSuffix.substring(0, slash)), Long.parseLong(digits));
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
