package io.ringcast.perf.load.viewer;

/** How a viewer plays the stream. */
public enum Protocol {
    HTTP_FLV("httpflv"),
    RTMP("rtmp");

    private final String id;

    Protocol(String id) {
        this.id = id;
    }

    /** The name in group names, log tags and the summary, as the server's stats name its protocols. */
    public String id() {
        return id;
    }
}
