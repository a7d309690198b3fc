package io.ringcast.broadcast.subscribe;

import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackRing;

/**
 * One subscriber's read position on one track. Never gates the producer: it snapshots a slot, validates it, and
 * reports {@link #LAPPED} when the producer has overwritten what it wanted to read. Owned by the subscriber's
 * egress worker thread.
 */
final class TrackCursor {
    static final int FRAME = 1;
    static final int EMPTY = 0;
    static final int LAPPED = -1;

    private final TrackRing ring;
    private final FrameEvent frame = new FrameEvent();
    private long next;
    private boolean loaded;

    TrackCursor(TrackRing ring) {
        this.ring = ring;
    }

    TrackRing ring() {
        return ring;
    }

    /** Next sequence this cursor will read. */
    long next() {
        return next;
    }

    /** Loads the next frame's descriptor into {@link #frame()}; FRAME, EMPTY or LAPPED. Idempotent until advance. */
    int load() {
        if (loaded) {
            return FRAME;
        }
        long sequence = next;
        if (sequence > ring.cursor()) {
            return EMPTY;
        }
        frame.copyFrom(ring.slot(sequence));
        if (!ring.isSlotValid(sequence)) {
            return LAPPED;
        }
        loaded = true;
        return FRAME;
    }

    /** The loaded frame's descriptor (a private snapshot). */
    FrameEvent frame() {
        return frame;
    }

    /** Whether the loaded frame's payload may be written from the ring now (see TrackRing#isPayloadClearOfProducer). */
    boolean isPayloadClearOfProducer() {
        return ring.isPayloadClearOfProducer(frame.payloadPosition());
    }

    /** Offset of the loaded frame's payload in the ring's {@link TrackRing#payloadBuffer() payload buffer}. */
    int payloadOffset() {
        return ring.offsetOf(frame.payloadPosition());
    }

    /** Whether the loaded frame's payload, read or written before this call, was not being overwritten. */
    boolean isPayloadIntact() {
        return ring.isPayloadIntact(frame.payloadPosition());
    }

    void advance() {
        next++;
        loaded = false;
    }

    void seek(long sequence) {
        next = sequence;
        loaded = false;
    }

    /** Whether the ring holds a keyframe after the next frame to read. */
    boolean newerKeyframeAvailable() {
        return ring.newestKeyframeSequence() > next;
    }

    /**
     * Seeks to the first readable frame whose stream order is at least {@code order}, scanning back from the
     * newest; used to align audio with the keyframe video starts at. Stops at the first slot that changed under it.
     */
    void seekToOrder(long order) {
        long cursor = ring.cursor();
        long oldest = ring.oldestReadableSequence(cursor);
        long sequence = cursor + 1;
        FrameEvent probe = frame;
        while (sequence - 1 >= oldest) {
            probe.copyFrom(ring.slot(sequence - 1));
            if (!ring.isSlotValid(sequence - 1) || probe.order() < order) {
                break;
            }
            sequence--;
        }
        seek(sequence);
    }
}
