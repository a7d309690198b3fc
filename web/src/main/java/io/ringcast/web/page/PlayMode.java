package io.ringcast.web.page;

import java.util.Locale;

/** How the player page plays a stream, chosen with {@code ?mode=}. */
public enum PlayMode {
    /** HTTP-FLV through mpegts.js and Media Source Extensions; the default, lowest latency. */
    FLV("HTTP-FLV (mpegts.js)"),
    /** HLS through hls.js and Media Source Extensions. */
    HLS("HLS (hls.js)"),
    /** HLS played by the browser itself (Safari, iOS, some Android browsers). */
    NATIVE("native HLS");

    private final String label;

    PlayMode(String label) {
        this.label = label;
    }

    /** The query parameter value, e.g. {@code flv}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String label() {
        return label;
    }

    /**
     * The mode a {@code mode} query parameter names; {@link #FLV} when it is absent or empty.
     *
     * @throws IllegalArgumentException naming the allowed values when it names none
     */
    public static PlayMode fromQuery(String value) {
        if (value == null || value.isEmpty()) {
            return FLV;
        }
        for (PlayMode m : values()) {
            if (m.id().equals(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("mode must be flv, hls or native");
    }
}
