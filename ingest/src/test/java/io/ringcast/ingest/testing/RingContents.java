package io.ringcast.ingest.testing;

import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackRing;

/** What a track ring holds, read by a test thread once its publisher is done (no concurrent writes). */
public final class RingContents {
    private RingContents() {
    }

    /** The payload (FLV tag body) of the first sequence header still in the ring, or null. */
    public static byte[] firstSequenceHeader(TrackRing ring) {
        for (long s = ring.oldestReadableSequence(ring.cursor()); s <= ring.cursor(); s++) {
            FrameEvent e = ring.slot(s);
            if (e.isSequenceHeader()) {
                byte[] payload = new byte[e.payloadLength()];
                ring.payloadBuffer().getBytes(ring.offsetOf(e.payloadPosition()), payload);
                return payload;
            }
        }
        return null;
    }

    /** The sequence of the first frame whose timestamp is below its predecessor's, or -1 when none is. */
    public static long firstDecreasingTimestamp(TrackRing ring) {
        long previous = Long.MIN_VALUE;
        for (long s = ring.oldestReadableSequence(ring.cursor()); s <= ring.cursor(); s++) {
            long t = ring.slot(s).timestampMs();
            if (t < previous) {
                return s;
            }
            previous = t;
        }
        return -1;
    }
}
