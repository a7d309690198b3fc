package io.ringcast.broadcast.media.mp4;

/**
 * One track of an init segment. Immutable.
 *
 * @param trackId     the {@code track_ID}, 1 or more, unique in the presentation
 * @param video       video (handler type "vide", a vmhd) or audio (handler "soun", an smhd)
 * @param timescale   media timescale, ticks per second (90000 for video, the sample rate for audio)
 * @param width       video width in pixels (0 for audio)
 * @param height      video height in pixels (0 for audio)
 * @param sampleEntry the {@code stsd} entry, from {@link SampleEntries}
 */
public record Mp4Track(int trackId, boolean video, int timescale, int width, int height, byte[] sampleEntry) {
    public Mp4Track {
        if (trackId <= 0) {
            throw new IllegalArgumentException("trackId must be positive: " + trackId);
        }
        if (timescale <= 0) {
            throw new IllegalArgumentException("timescale must be positive: " + timescale);
        }
        if (sampleEntry == null || sampleEntry.length < BoxWriter.HEADER_LENGTH) {
            throw new IllegalArgumentException("sampleEntry must be a box");
        }
    }
}
