package io.ringcast.perf.relay;

import io.ringcast.perf.load.flv.FlvStreamParser;
import io.ringcast.perf.load.flv.HttpFlvTagReader;
import org.agrona.DirectBuffer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One HTTP-FLV viewer on its own thread, as a player: requests a URL on loopback and reads the stream until closed,
 * recording when each video keyframe arrived and whether video timestamps ever went back. Counters are read by the
 * test thread while it runs.
 */
final class FlvWatcher implements AutoCloseable, FlvStreamParser.Listener {
    private static final int FRAME_TYPE_KEY = 1;

    private final HttpFlvTagReader reader;
    private final List<Long> keyframeArrivalsNs = new CopyOnWriteArrayList<>();
    private volatile long videoTags;
    private volatile long timestampRegressions;
    private volatile long lastVideoTimestampMs = -1;
    private final long startedNs = System.nanoTime();
    private volatile long firstVideoNs;
    private volatile boolean firstVideoIsKeyframe;

    private FlvWatcher(String host, int port, String target) {
        reader = new HttpFlvTagReader(host, port, target, "flv-watcher", this);
    }

    /** Starts watching {@code http://host:port/target}. */
    static FlvWatcher start(String host, int port, String target) {
        FlvWatcher watcher = new FlvWatcher(host, port, target);
        watcher.reader.start();
        return watcher;
    }

    @Override
    public void onTag(int tagType, long timestampMs, DirectBuffer prefix, int prefixLength, int bodyLength) {
        if (tagType != FlvStreamParser.TYPE_VIDEO) {
            return;
        }
        if (timestampMs < lastVideoTimestampMs) {
            timestampRegressions++;
        }
        lastVideoTimestampMs = timestampMs;
        boolean keyframe = prefixLength > 0 && (prefix.getByte(0) >> 4 & 0x0F) == FRAME_TYPE_KEY;
        if (videoTags++ == 0) {
            firstVideoNs = System.nanoTime();
            firstVideoIsKeyframe = keyframe;
        }
        if (keyframe) {
            keyframeArrivalsNs.add(System.nanoTime());
        }
    }

    /** The response status, 0 before the head arrived. */
    int status() {
        return reader.status();
    }

    long videoTags() {
        return videoTags;
    }

    /** Whether the first video tag was a keyframe (meaningful once {@link #videoTags()} is above 0). */
    boolean firstVideoIsKeyframe() {
        return firstVideoIsKeyframe;
    }

    /** Milliseconds from the start to the first video tag (a sequence header counts), -1 before it. */
    long firstVideoAfterMs() {
        return videoTags == 0 ? -1 : java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(firstVideoNs - startedNs);
    }

    /** How often a video timestamp was lower than the one before. */
    long timestampRegressions() {
        return timestampRegressions;
    }

    /** Whether a video keyframe arrived at or after {@code nanoTime} ({@link System#nanoTime()}). */
    boolean keyframeSince(long nanoTime) {
        for (long arrived : keyframeArrivalsNs) {
            if (arrived - nanoTime >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether the connection ended (by the server, an error or {@link #close}); {@link #endReason} says why. */
    boolean ended() {
        return reader.ended();
    }

    String endReason() {
        return reader.endReason();
    }

    @Override
    public void close() {
        reader.close();
    }
}
