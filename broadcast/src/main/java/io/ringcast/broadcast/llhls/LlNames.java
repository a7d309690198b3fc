package io.ringcast.broadcast.llhls;

/**
 * The URIs of the LL-HLS variant below its playlist {@code /llhls/app/name.m3u8}: init segments
 * {@code name/init{generation}.mp4}, segments {@code name/seq.m4s}, parts {@code name/seq.index.m4s}; shared by the
 * playlist writer and the request parser.
 */
public final class LlNames {
    /** The servlet path every LL-HLS URL starts with: {@code /llhls/app/name.m3u8}. */
    public static final String PATH_PREFIX = "llhls";
    public static final String PLAYLIST_SUFFIX = ".m3u8";
    public static final String MEDIA_SUFFIX = ".m4s";
    public static final String INIT_PREFIX = "init";
    public static final String INIT_SUFFIX = ".mp4";
    /** Content types: init segments and media (RFC 8216bis 3.1.2 / CMAF). */
    public static final String INIT_CONTENT_TYPE = "video/mp4";
    public static final String MEDIA_CONTENT_TYPE = "video/iso.segment";

    private LlNames() {
    }
}
