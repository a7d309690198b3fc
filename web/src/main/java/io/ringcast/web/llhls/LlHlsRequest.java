package io.ringcast.web.llhls;

import io.ringcast.broadcast.llhls.LlNames;
import io.ringcast.broadcast.stream.StreamPath;

/**
 * What an LL-HLS request names, below {@code /llhls}: the playlist {@code /app/name.m3u8}, an init segment
 * {@code /app/name/init{generation}.mp4}, a segment {@code /app/name/seq.m4s} or a part
 * {@code /app/name/seq.part.m4s}. Immutable; parsed on request threads.
 *
 * @param path       the stream
 * @param kind       what is asked for
 * @param sequence   the segment's media sequence number, or the init generation; -1 for the playlist
 * @param part       the part index, -1 unless {@link Kind#PART}
 */
public record LlHlsRequest(StreamPath path, Kind kind, long sequence, int part) {
    /** The four things below a stream. */
    public enum Kind { PLAYLIST, INIT, SEGMENT, PART }

    private static final int MAX_DIGITS = 18;
    private static final int MAX_PART_DIGITS = 6;

    /**
     * Parses the path below {@code /llhls} (the path info of the {@code /llhls/*} mapping).
     *
     * @throws IllegalArgumentException when it names none of the four with a valid stream path and numbers
     */
    public static LlHlsRequest parse(String pathInfo) {
        if (pathInfo == null || !pathInfo.startsWith("/")) {
            throw new IllegalArgumentException("expected /app/name" + LlNames.PLAYLIST_SUFFIX);
        }
        String full = pathInfo.substring(1);
        if (full.endsWith(LlNames.PLAYLIST_SUFFIX)) {
            return new LlHlsRequest(StreamPath.parse(full.substring(0, full.length()
                    - LlNames.PLAYLIST_SUFFIX.length())), Kind.PLAYLIST, -1, -1);
        }
        int slash = full.lastIndexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("expected /app/name/file");
        }
        StreamPath path = StreamPath.parse(full.substring(0, slash));
        String file = full.substring(slash + 1);
        if (file.startsWith(LlNames.INIT_PREFIX) && file.endsWith(LlNames.INIT_SUFFIX)) {
            String digits = file.substring(LlNames.INIT_PREFIX.length(), file.length() - LlNames.INIT_SUFFIX.length());
            return new LlHlsRequest(path, Kind.INIT, number(digits, MAX_PART_DIGITS), -1);
        }
        if (!file.endsWith(LlNames.MEDIA_SUFFIX)) {
            throw new IllegalArgumentException("expected init{n}" + LlNames.INIT_SUFFIX + ", seq"
                    + LlNames.MEDIA_SUFFIX + " or seq.part" + LlNames.MEDIA_SUFFIX);
        }
        String stem = file.substring(0, file.length() - LlNames.MEDIA_SUFFIX.length());
        int dot = stem.indexOf('.');
        if (dot < 0) {
            return new LlHlsRequest(path, Kind.SEGMENT, number(stem, MAX_DIGITS), -1);
        }
        return new LlHlsRequest(path, Kind.PART, number(stem.substring(0, dot), MAX_DIGITS),
                (int) number(stem.substring(dot + 1), MAX_PART_DIGITS));
    }

    /**
     * A non-negative decimal number of at most {@code maxDigits} digits, as a blocking reload's query parameters
     * carry them.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static long number(String digits, int maxDigits) {
        if (digits == null || digits.isEmpty() || digits.length() > maxDigits) {
            throw new IllegalArgumentException("expected a decimal number of 1.." + maxDigits + " digits");
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("expected a decimal number: " + digits);
            }
        }
        return Long.parseLong(digits);
    }

    /** Digits a sequence number may have. */
    public static int maxSequenceDigits() {
        return MAX_DIGITS;
    }

    /** Digits a part index may have. */
    public static int maxPartDigits() {
        return MAX_PART_DIGITS;
    }
}
