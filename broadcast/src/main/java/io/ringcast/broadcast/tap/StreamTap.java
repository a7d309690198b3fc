package io.ringcast.broadcast.tap;

import com.lmax.disruptor.Sequence;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.WakeTarget;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A gating consumer of one stream, run by a {@link TapWorker} thread: registers a Disruptor {@link Sequence} on
 * each track ring as a gating sequence (the producer never overwrites a slot or payload it has not consumed), merges
 * the tracks in publish order and hands every frame, in place and without copying, to its {@link TapConsumer}.
 *
 * <p>The worker is either the tap's own thread ({@link #start(Stream, String, TapConsumer)}) or one thread of a
 * bounded {@link TapPool} shared by many streams ({@link #start(Stream, String, TapConsumer, TapPool)}). Either
 * way only that thread calls the consumer, and the gating sequences keep the guarantee that it sees every frame:
 * a worker busy with other streams delays this stream's producer (once it is a whole ring ahead), never skips
 * frames.
 *
 * <p>Unlike viewers, a tap can slow the publisher, so it must be fast. A consumer that throws is detached at once
 * (logged), so a broken tap never stalls a publisher.
 */
public final class StreamTap implements WakeTarget, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamTap.class);
    private static final long CLOSE_TIMEOUT_MS = 2_000;
    /** {@link #drain}'s answer once the tap has ended. */
    static final int ENDED = -1;

    private final Stream stream;
    private final String name;
    private final TapConsumer consumer;
    private final Cursor video;
    private final Cursor audio;
    private final TapWorker worker;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean closeRequested;
    /** Worker thread only. */
    private int session = -1;
    private boolean finished;

    /** Attaches to the stream from its newest frame on and starts a thread of the tap's own for it. */
    public static StreamTap start(Stream stream, String name, TapConsumer consumer) {
        TapWorker worker = TapWorker.dedicated("ringcast-" + name + "-" + stream.path());
        StreamTap tap = attach(stream, name, consumer, worker);
        worker.start();
        return tap;
    }

    /** Attaches to the stream from its newest frame on, run by the least loaded thread of {@code pool}. */
    public static StreamTap start(Stream stream, String name, TapConsumer consumer, TapPool pool) {
        return attach(stream, name, consumer, pool.leastLoaded());
    }

    private static StreamTap attach(Stream stream, String name, TapConsumer consumer, TapWorker worker) {
        StreamTap tap = new StreamTap(stream, name, consumer, worker);
        stream.addWakeTarget(tap);
        worker.add(tap);
        return tap;
    }

    private StreamTap(Stream stream, String name, TapConsumer consumer, TapWorker worker) {
        this.stream = stream;
        this.name = name;
        this.consumer = consumer;
        this.worker = worker;
        TrackRing videoRing = stream.track(TrackKind.VIDEO);
        TrackRing audioRing = stream.track(TrackKind.AUDIO);
        this.video = videoRing == null ? null : new Cursor(videoRing);
        this.audio = audioRing == null ? null : new Cursor(audioRing);
    }

    /** The producer published a frame (or the stream closed); any thread. */
    @Override
    public void wake() {
        worker.wake();
    }

    /**
     * Stops the tap and releases the rings; waits briefly for its worker to end it (the consumer's
     * {@link TapConsumer#onEnd()} has run when this returns, unless it took longer).
     */
    @Override
    public void close() {
        closeRequested = true;
        worker.wake();
        if (!worker.isCurrentThread()) {
            try {
                ended.await(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the tap has ended (closed, stream closed, or its consumer failed). */
    public boolean isEnded() {
        return ended.getCount() == 0;
    }

    /**
     * Worker thread: hands up to {@code maxFrames} frames to the consumer, in publish order. Returns how many, or
     * {@link #ENDED} once the tap has ended (closed, its stream closed with nothing left to read, or its consumer
     * threw); the worker then drops it.
     */
    int drain(int maxFrames) {
        if (finished) {
            return ENDED;
        }
        try {
            if (closeRequested) {
                finish();
                return ENDED;
            }
            int frames = 0;
            while (frames < maxFrames && step()) {
                frames++;
            }
            if (frames == 0 && stream.isClosed() && !hasFrames()) {
                finish();
                return ENDED;
            }
            return frames;
        } catch (RuntimeException e) {
            LOG.error("{} tap of {} failed and was detached; the stream goes on without it", name, stream.path(), e);
            finish();
            return ENDED;
        }
    }

    /** Whether a drain would do something: frames to read, or a close to carry out. Worker thread. */
    boolean hasWork() {
        return closeRequested || hasFrames() || stream.isClosed();
    }

    /** Worker thread: detaches from the rings and ends the consumer; once. */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        try {
            detach();
            consumer.onEnd();
        } catch (RuntimeException e) {
            LOG.error("{} tap of {} failed to end cleanly", name, stream.path(), e);
        } finally {
            ended.countDown();
        }
    }

    private boolean hasFrames() {
        return (video != null && video.hasNext()) || (audio != null && audio.hasNext());
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

    private void detach() {
        stream.removeWakeTarget(this);
        if (video != null) {
            video.ring.removeTap(video.sequence);
        }
        if (audio != null) {
            audio.ring.removeTap(audio.sequence);
        }
    }

    @Override
    public String toString() {
        return name + " tap of " + stream.path();
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
