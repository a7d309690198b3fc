package io.ringcast.broadcast.track;

/**
 * Codec of a track's frames, as far as the engine needs to know it: packagers that must understand the elementary
 * stream (HLS) check it; the rest pass payloads through untouched.
 */
public enum Codec {
    AVC(TrackKind.VIDEO, "h264"),
    HEVC(TrackKind.VIDEO, "hevc"),
    AV1(TrackKind.VIDEO, "av1"),
    VP9(TrackKind.VIDEO, "vp9"),
    OTHER_VIDEO(TrackKind.VIDEO, "video"),
    AAC(TrackKind.AUDIO, "aac"),
    MP3(TrackKind.AUDIO, "mp3"),
    OTHER_AUDIO(TrackKind.AUDIO, "audio");

    private final TrackKind kind;
    private final String displayName;

    Codec(TrackKind kind, String displayName) {
        this.kind = kind;
        this.displayName = displayName;
    }

    public TrackKind kind() {
        return kind;
    }

    /** Short lower-case name as ffprobe prints it, for stats. */
    public String displayName() {
        return displayName;
    }
}
