package io.ringcast.broadcast.tap;

import com.lmax.disruptor.Sequence;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.WakeTarget;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A gating consumer of one stream on its own thread: registers a Disruptor {@link Sequence} on each track ring as
 * a gating sequence (the producer never overwrites a slot or payload it has not consumed), merges the tracks in
 * publish order and hands every frame, in place and without copying, to its {@link TapConsumer}.
 *
 * <p>Unlike viewers, a tap can slow the publisher, so it must be fast. A consumer that throws is detached at once
 * (logged), so a broken tap never stalls a publisher.
 */
public final class StreamTap implements WakeTarget, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamTap.class);
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long JOIN_TIMEOUT_MS = 2_000;

    private final Stream stream;
    private final String name;
    private final TapConsumer consumer;
    private final Cursor video;
    private final Cursor audio;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean parked;
    private int session = -1;

    /** Attaches to the stream from its newest frame on and starts the tap's thread. */
    public static StreamTap start(Stream stream, String name, TapConsumer consumer) {
        StreamTap tap = new StreamTap(stream, name, consumer);
        stream.addWakeTarget(tap);
        tap.thread.start();
        return tap;
    }

    private StreamTap(Stream stream, String name, TapConsumer consumer) {
        this.stream = stream;
        this.name = name;
        this.consumer = consumer;
        TrackRing videoRing = stream.track(TrackKind.VIDEO);
        TrackRing audioRing = stream.track(TrackKind.AUDIO);
        this.video = videoRing == null ? null : new Cursor(videoRing);
        this.audio = audioRing == null ? null : new Cursor(audioRing);
        this.thread = new Thread(this::run, "ringcast-" + name + "-" + stream.path());
        this.thread.setDaemon(true);
    }

    @Override
    public void wake() {
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** Stops the tap and releases the rings; waits briefly for its thread. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(JOIN_TIMEOUT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            while (running) {
                if (!step()) {
                    if (stream.isClosed()) {
                        break;
                    }
                    idle();
                }
            }
        } catch (RuntimeException e) {
            LOG.error("{} tap of {} failed and was detached; the stream goes on without it", name, stream.path(), e);
        } finally {
            detach();
            try {
                consumer.onEnd();
            } catch (RuntimeException e) {
                LOG.error("{} tap of {} failed to end cleanly", name, stream.path(), e);
            }
        }
    }

    /** Hands the next frame in publish order to the consumer; false when there is none. */
    private boolean step() {
        Cursor next = nextInOrder();
        if (next == null) {
            return false;
        }
        FrameEvent frame = next.ring.slot(next.sequence.get() + 1);
        if (frame.session() != session) {
            session = frame.session();
            consumer.onNewSession(session);
        }
        TrackRing ring = next.ring;
        consumer.onFrame(ring.kind(), frame, ring.payloadBuffer(), ring.offsetOf(frame.payloadPosition()),
                frame.payloadLength());
        next.sequence.set(next.sequence.get() + 1);
        return true;
    }

    private Cursor nextInOrder() {
        boolean v = video != null && video.hasNext();
        boolean a = audio != null && audio.hasNext();
        // A frame on one track proves everything published before it on the other is visible: look again.
        if (v && !a && audio != null) {
            a = audio.hasNext();
        } else if (a && !v && video != null) {
            v = video.hasNext();
        }
        if (v && a) {
            return video.nextOrder() < audio.nextOrder() ? video : audio;
        }
        return v ? video : a ? audio : null;
    }

    private void idle() {
        parked = true;
        try {
            if ((video != null && video.hasNext()) || (audio != null && audio.hasNext()) || !running) {
                return;
            }
            LockSupport.parkNanos(this, IDLE_PARK_NS);
        } finally {
            parked = false;
        }
    }

    private void detach() {
        stream.removeWakeTarget(this);
        if (video != null) {
            video.ring.removeTap(video.sequence);
        }
        if (audio != null) {
            audio.ring.removeTap(audio.sequence);
        }
    }

    /** One track's gating sequence: the last sequence this tap consumed. */
    private static final class Cursor {
        final TrackRing ring;
        final Sequence sequence;

        Cursor(TrackRing ring) {
            this.ring = ring;
            this.sequence = ring.addTap();
        }

        boolean hasNext() {
            return sequence.get() + 1 <= ring.cursor();
        }

        long nextOrder() {
            return ring.slot(sequence.get() + 1).order();
        }
    }
}
