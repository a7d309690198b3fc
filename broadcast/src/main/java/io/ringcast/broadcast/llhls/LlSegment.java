package io.ringcast.broadcast.llhls;

import java.util.List;

/**
 * One complete LL-HLS media segment. Immutable once published: any thread may serve {@code bytes}, never modify it.
 *
 * @param sequence       media sequence number
 * @param durationMs     decode time from its first frame to the next segment's first frame
 * @param discontinuity  EXT-X-DISCONTINUITY before it
 * @param initGeneration which init segment (EXT-X-MAP) its fragments need
 * @param parts          its parts, in order (the playlist lists them only near the live edge)
 * @param bytes          the whole segment: its parts' bytes one after the other
 */
public record LlSegment(long sequence, long durationMs, boolean discontinuity, int initGeneration,
                        List<LlPart> parts, byte[] bytes) {
    public LlSegment {
        parts = List.copyOf(parts);
    }

    public String uri(String streamName) {
        return streamName + '/' + sequence + LlNames.MEDIA_SUFFIX;
    }

    @Override
    public String toString() {
        return "LlSegment[" + sequence + ", " + durationMs + " ms, " + parts.size() + " parts, " + bytes.length
                + " bytes]";
    }
}
