package io.ringcast.broadcast.stream;

/**
 * Hears about streams as they start, e.g. to attach a segmenter or recorder tap before the first frame.
 * Called on the publishing connection's thread, inside {@link StreamRegistry#publish}, or for an on-demand stream
 * on the first viewer's thread, inside {@link StreamRegistry#findOrDemand} before its source starts: keep it short.
 */
@FunctionalInterface
public interface StreamListener {
    /**
     * A stream was created by its first publisher or on demand ({@link Stream#isOnDemand()}); no frame has been
     * published yet. Use onClose for its end.
     */
    void onStreamStarted(Stream stream);
}
