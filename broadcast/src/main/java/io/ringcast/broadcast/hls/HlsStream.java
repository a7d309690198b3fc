package io.ringcast.broadcast.hls;

import io.ringcast.broadcast.stream.StreamPath;

/**
 * The read side of one stream's HLS output: the newest published {@link HlsWindow} and the stats. The segmenter
 * thread publishes; servlet and stats threads read, lock-free (a volatile reference to an immutable snapshot).
 */
public final class HlsStream {
    private final StreamPath path;
    private final HlsStats stats;
    private volatile HlsWindow window;

    HlsStream(StreamPath path, HlsStats stats) {
        this.path = path;
        this.stats = stats;
        this.window = HlsWindow.empty(path.name());
    }

    public StreamPath path() {
        return path;
    }

    /** The newest snapshot; any thread. */
    public HlsWindow window() {
        return window;
    }

    public HlsStats stats() {
        return stats;
    }

    void publish(HlsWindow next) {
        window = next;
    }
}
