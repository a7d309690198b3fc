package io.ringcast.broadcast.track;

import io.ringcast.broadcast.media.flv.FlvTag;

/**
 * The kind of media a track carries; a stream has at most one track of each. Frames are FLV tag bodies, so each
 * kind names the FLV tag type that carries it.
 */
public enum TrackKind {
    VIDEO(FlvTag.TYPE_VIDEO),
    AUDIO(FlvTag.TYPE_AUDIO);

    private final int flvTagType;

    TrackKind(int flvTagType) {
        this.flvTagType = flvTagType;
    }

    /** The FLV tag type that carries this kind's frames (FLV spec v10.1, E.4.1): 9 video, 8 audio. */
    public int flvTagType() {
        return flvTagType;
    }
}
