package io.ringcast.web.metrics;

import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamActivity;
import io.ringcast.broadcast.stream.StreamListener;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;

import java.util.Map;
import java.util.TreeMap;

/**
 * What streams that have closed did, by protocol, so the server-wide counters ({@code ringcast_*_total}) never fall
 * when a stream goes: live streams are read at scrape time, and each stream's final totals are folded in here when
 * it closes. Hears stream starts on the publishing (or first viewer's) thread and closes on the closing thread;
 * read by scrapes. Thread-safe (monitor); nothing here runs per frame.
 */
final class ClosedStreamTotals implements StreamListener {
    /** Per protocol: publishes, plays, bytes received, bytes sent. */
    private final Map<String, long[]> byProtocol = new TreeMap<>();

    static final int PUBLISHES = 0;
    static final int PLAYS = 1;
    static final int BYTES_RECEIVED = 2;
    static final int BYTES_SENT = 3;
    static final int FIELDS = 4;

    @Override
    public void onStreamStarted(Stream stream) {
        stream.onClose(() -> fold(stream));
    }

    /** Adds the totals of every closed stream into {@code into} (per protocol, the layout above). */
    synchronized void addTo(Map<String, long[]> into) {
        byProtocol.forEach((protocol, t) -> {
            long[] sum = into.computeIfAbsent(protocol, p -> new long[FIELDS]);
            for (int i = 0; i < FIELDS; i++) {
                sum[i] += t[i];
            }
        });
    }

    /** Adds one stream's totals now into {@code into}: for live streams at scrape time, and for closing ones. */
    static void addStream(Stream stream, Map<String, StreamActivity.Totals> activity, Map<String, long[]> into) {
        activity.forEach((protocol, t) -> {
            long[] sum = into.computeIfAbsent(protocol, p -> new long[FIELDS]);
            sum[PUBLISHES] += t.publishes();
            sum[PLAYS] += t.plays();
            sum[BYTES_SENT] += t.bytesSent();
        });
        String publisherProtocol = stream.activity().lastPublisherProtocol();
        if (publisherProtocol != null) {
            into.computeIfAbsent(publisherProtocol, p -> new long[FIELDS])[BYTES_RECEIVED] += bytesReceived(stream);
        }
    }

    static long bytesReceived(Stream stream) {
        long bytes = 0;
        for (TrackKind kind : TrackKind.values()) {
            TrackRing ring = stream.track(kind);
            if (ring != null) {
                bytes += ring.bytesPublished();
            }
        }
        return bytes;
    }

    private void fold(Stream stream) {
        Map<String, long[]> one = new TreeMap<>();
        addStream(stream, stream.activity().totals(stream.subscribers()), one);
        synchronized (this) {
            addTo0(one);
        }
    }

    private void addTo0(Map<String, long[]> one) {
        one.forEach((protocol, t) -> {
            long[] sum = byProtocol.computeIfAbsent(protocol, p -> new long[FIELDS]);
            for (int i = 0; i < FIELDS; i++) {
                sum[i] += t[i];
            }
        });
    }
}
