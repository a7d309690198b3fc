package io.ringcast.broadcast.hls;

/**
 * The file-name suffixes of HLS playlists and segments, shared by segment URIs, the disk mirror and the request
 * parser of whoever serves them.
 */
public final class HlsNames {
    public static final String PLAYLIST_SUFFIX = ".m3u8";
    public static final String SEGMENT_SUFFIX = ".ts";

    private HlsNames() {
    }
}
