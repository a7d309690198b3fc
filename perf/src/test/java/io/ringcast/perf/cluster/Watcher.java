package io.ringcast.perf.cluster;

import io.ringcast.perf.load.flv.FlvStreamParser;
import io.ringcast.perf.load.flv.HttpFlvTagReader;
import org.agrona.DirectBuffer;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One cheap HTTP-FLV viewer on its own thread, run by the test JVM against a node over the bridge: parses the FLV
 * tags and records every video tag's arrival time and timestamp (preallocated arrays; the test thread reads them
 * under the watcher's lock), counting timestamps that went back. Enough for gaps, resume times and arrival delays.
 */
final class Watcher implements AutoCloseable, FlvStreamParser.Listener {
    private static final int MAX_VIDEO_TAGS = 16_384;

    private final HttpFlvTagReader reader;
    private final long[] arrivalsNs = new long[MAX_VIDEO_TAGS];
    private final long[] timestampsMs = new long[MAX_VIDEO_TAGS];
    private int videoTags;
    private long timestampRegressions;
    private long lastTimestampMs = -1;
    private final long startedNs = System.nanoTime();

    private Watcher(String address, int port, String target) {
        reader = new HttpFlvTagReader(address, port, target, "cluster-watcher", this);
    }

    /** Starts watching {@code http://address:port/target}. */
    static Watcher start(String address, int port, String target) {
        Watcher watcher = new Watcher(address, port, target);
        watcher.reader.start();
        return watcher;
    }

    @Override
    public void onTag(int tagType, long timestampMs, DirectBuffer prefix, int prefixLength, int bodyLength) {
        if (tagType != FlvStreamParser.TYPE_VIDEO) {
            return;
        }
        long now = System.nanoTime();
        synchronized (this) {
            if (timestampMs < lastTimestampMs) {
                timestampRegressions++;
            }
            lastTimestampMs = timestampMs;
            if (videoTags < MAX_VIDEO_TAGS) {
                arrivalsNs[videoTags] = now;
                timestampsMs[videoTags] = timestampMs;
            }
            videoTags++;
        }
    }

    String url() {
        return reader.url();
    }

    /** When it was started ({@link System#nanoTime}). */
    long startedNs() {
        return startedNs;
    }

    /** The response status, 0 before the head arrived. */
    int status() {
        return reader.status();
    }

    synchronized int videoTags() {
        return videoTags;
    }

    synchronized long timestampRegressions() {
        return timestampRegressions;
    }

    /** Whether a video tag arrived at or after {@code nanoTime}. */
    synchronized boolean videoSince(long nanoTime) {
        int n = Math.min(videoTags, MAX_VIDEO_TAGS);
        return n > 0 && arrivalsNs[n - 1] - nanoTime >= 0;
    }

    /** Milliseconds from {@code nanoTime} to the first video tag that arrived after it; -1 if none yet. */
    synchronized long firstVideoAfterMs(long nanoTime) {
        int n = Math.min(videoTags, MAX_VIDEO_TAGS);
        for (int i = 0; i < n; i++) {
            if (arrivalsNs[i] - nanoTime >= 0) {
                return TimeUnit.NANOSECONDS.toMillis(arrivalsNs[i] - nanoTime);
            }
        }
        return -1;
    }

    /**
     * The longest time without a video tag between {@code fromNs} and {@code toNs} (both {@link System#nanoTime}),
     * counting the stretch from {@code fromNs} to the first tag after it and from the last tag to {@code toNs}.
     */
    synchronized long longestGapMs(long fromNs, long toNs) {
        int n = Math.min(videoTags, MAX_VIDEO_TAGS);
        long previous = fromNs;
        long longest = 0;
        for (int i = 0; i < n; i++) {
            long at = arrivalsNs[i];
            if (at - fromNs < 0) {
                continue;
            }
            if (at - toNs > 0) {
                break;
            }
            longest = Math.max(longest, at - previous);
            previous = at;
        }
        longest = Math.max(longest, toNs - previous);
        return TimeUnit.NANOSECONDS.toMillis(longest);
    }

    /**
     * When video came back for good after {@code fromNs}: the end of the longest stretch without video between the
     * two times, as milliseconds after {@code fromNs}; -1 when no video arrived in between.
     */
    synchronized long resumeAfterMs(long fromNs, long toNs) {
        int n = Math.min(videoTags, MAX_VIDEO_TAGS);
        long previous = fromNs;
        long longest = -1;
        long resumedAt = -1;
        for (int i = 0; i < n; i++) {
            long at = arrivalsNs[i];
            if (at - fromNs < 0) {
                continue;
            }
            if (at - toNs > 0) {
                break;
            }
            if (at - previous > longest) {
                longest = at - previous;
                resumedAt = at;
            }
            previous = at;
        }
        return resumedAt < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(resumedAt - fromNs);
    }

    /** Video tags that arrived between the two times. */
    synchronized int videoTagsBetween(long fromNs, long toNs) {
        int n = Math.min(videoTags, MAX_VIDEO_TAGS);
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (arrivalsNs[i] - fromNs >= 0 && arrivalsNs[i] - toNs <= 0) {
                count++;
            }
        }
        return count;
    }

    /**
     * Per video tag that arrived between the two times: how much later than this viewer's earliest tag it arrived,
     * timestamps considered ({@code (arrival - timestamp) - min(arrival - timestamp)} over every tag so far), in
     * milliseconds. With a publisher paced in real time the earliest tag is the path's own delay, so this is the
     * delay a fault added, whatever timestamp base the server gave this viewer.
     */
    synchronized long[] latenessMs(long fromNs, long toNs) {
        int n = Math.min(videoTags, MAX_VIDEO_TAGS);
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < n && arrivalsNs[i] - toNs <= 0; i++) {
            earliest = Math.min(earliest, TimeUnit.NANOSECONDS.toMillis(arrivalsNs[i]) - timestampsMs[i]);
        }
        long[] lateness = new long[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (arrivalsNs[i] - fromNs >= 0 && arrivalsNs[i] - toNs <= 0) {
                lateness[count++] = TimeUnit.NANOSECONDS.toMillis(arrivalsNs[i]) - timestampsMs[i] - earliest;
            }
        }
        return Arrays.copyOf(lateness, count);
    }

    /** Whether the connection ended; {@link #endReason} says why. */
    boolean ended() {
        return reader.ended();
    }

    String endReason() {
        return reader.endReason();
    }

    @Override
    public String toString() {
        return url() + " (status " + status() + ", " + videoTags() + " video tags, " + timestampRegressions()
                + " timestamp regressions" + (ended() ? ", ended: " + endReason() : "") + ")";
    }

    @Override
    public void close() {
        reader.close();
    }
}
