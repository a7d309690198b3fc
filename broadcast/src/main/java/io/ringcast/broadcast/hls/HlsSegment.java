package io.ringcast.broadcast.hls;

/**
 * One complete, published MPEG-TS segment. Immutable once published: {@code bytes} is never modified by anyone
 * (readers must not either), so any thread may serve it.
 *
 * @param sequence              media sequence number, increasing by one per segment of a stream
 * @param durationMs            decode time from this segment's first frame to the next segment's first frame
 * @param discontinuity         whether the playlist puts EXT-X-DISCONTINUITY before it
 * @param bytes                 the whole segment, a multiple of 188 bytes
 * @param availabilityLatencyNs from the ingest time of its first frame to its publication
 */
public record HlsSegment(long sequence, long durationMs, boolean discontinuity, byte[] bytes,
                         long availabilityLatencyNs) {
    /** The playlist URI relative to {@code /app/name.m3u8}: {@code name/seq.ts}. */
    public String uri(String streamName) {
        return streamName + '/' + sequence + HlsNames.SEGMENT_SUFFIX;
    }

    @Override
    public String toString() {
        return "HlsSegment[" + sequence + ", " + durationMs + " ms" + (discontinuity ? ", discontinuity" : "")
                + ", " + bytes.length + " bytes]";
    }
}
