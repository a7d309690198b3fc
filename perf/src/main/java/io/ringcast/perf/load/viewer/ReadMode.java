package io.ringcast.perf.load.viewer;

/** How much a viewer asks of its socket per read. */
public enum ReadMode {
    /**
     * Like a simple player: each read asks only for the bytes that complete the current protocol unit (an FLV tag
     * header, a tag body with its PreviousTagSize, an RTMP chunk header part or chunk payload), so a server meets
     * many small reads.
     */
    TAGS,
    /** As much as the loop's read buffer holds ({@link ViewerLoop#READ_BUFFER_BYTES}) whenever data is there. */
    BULK
}
