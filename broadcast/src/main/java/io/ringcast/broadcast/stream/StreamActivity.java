package io.ringcast.broadcast.stream;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What happened on one stream since it was created, by protocol, for exporters of monotonic counters: publishes and
 * plays started, and what was sent to subscribers that have left (so totals never fall when a viewer goes). Updated
 * by the stream on its cold paths (publish, subscribe, unsubscribe); read by stats threads. Thread-safe (monitor).
 */
public final class StreamActivity {
    private final Map<String, long[]> byProtocol = new TreeMap<>();
    private String lastPublisherProtocol;

    private static final int PUBLISHES = 0;
    private static final int PLAYS = 1;
    private static final int DEPARTED_BYTES = 2;
    private static final int DEPARTED_FRAMES = 3;
    private static final int FIELDS = 4;

    /**
     * Totals of one protocol.
     *
     * @param publishes publisher sessions started (primary or backup)
     * @param plays     subscribers (and HLS audiences) counted in
     * @param bytesSent payload bytes sent to subscribers, those still here and those gone
     * @param framesSent frames sent to subscribers, likewise
     */
    public record Totals(long publishes, long plays, long bytesSent, long framesSent) {
    }

    synchronized void publishStarted(String protocol) {
        lastPublisherProtocol = protocol;
        tally(protocol)[PUBLISHES]++;
    }

    synchronized void playStarted(String protocol) {
        tally(protocol)[PLAYS]++;
    }

    synchronized void subscriberLeft(SubscriberStats stats) {
        long[] t = tally(stats.protocol());
        t[DEPARTED_BYTES] += stats.videoBytesSent() + stats.audioBytesSent();
        t[DEPARTED_FRAMES] += stats.framesSent();
    }

    /** The protocol of the newest publisher session, null before the first; e.g. "rtmp", "pull". */
    public synchronized String lastPublisherProtocol() {
        return lastPublisherProtocol;
    }

    /** Totals by protocol, adding what {@code current} (the subscribers listed now) sent so far; cold path. */
    public Map<String, Totals> totals(List<SubscriberStats> current) {
        Map<String, long[]> copy = new TreeMap<>();
        synchronized (this) {
            byProtocol.forEach((protocol, t) -> copy.put(protocol, t.clone()));
        }
        for (SubscriberStats s : current) {
            long[] t = copy.computeIfAbsent(s.protocol(), p -> new long[FIELDS]);
            t[DEPARTED_BYTES] += s.videoBytesSent() + s.audioBytesSent();
            t[DEPARTED_FRAMES] += s.framesSent();
        }
        Map<String, Totals> totals = new TreeMap<>();
        copy.forEach((protocol, t) -> totals.put(protocol,
                new Totals(t[PUBLISHES], t[PLAYS], t[DEPARTED_BYTES], t[DEPARTED_FRAMES])));
        return totals;
    }

    private long[] tally(String protocol) {
        return byProtocol.computeIfAbsent(protocol, p -> new long[FIELDS]);
    }
}
