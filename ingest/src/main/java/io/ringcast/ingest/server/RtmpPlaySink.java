package io.ringcast.ingest.server;

import io.ringcast.broadcast.subscribe.CloseReason;
import io.ringcast.broadcast.subscribe.FrameSink;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * One subscription of an RTMP viewer: sends frames as RTMP audio/video messages (the FLV tag body as published)
 * on the play's message stream, encoded by a {@link RtmpMediaWriter}. Its {@link FrameSink} methods run on the
 * subscription's fan-out worker, which holds the connection's write role ({@link PlayerOutput}) from the hand-over
 * until {@link #close}.
 *
 * <p>Writes never block. What the socket does not take stays pending in the output, {@link #isReady()} is false
 * until it is written, and the loop is asked to report writability, upon which it pumps the subscription.
 *
 * <p>Replies from the loop (acknowledgements, onStatus) are queued in the output and appended at the next
 * {@link #isReady()}, between whole messages. To stop or pause, the loop first calls {@link #detach()} and only
 * then queues its reply: once the worker has seen the reply it also sees the detach, so no media follows the
 * reply. A detached sink gives the write role back to the loop when the subscription closes, and so does one whose
 * stream closed before it wrote anything (the loop answers StreamNotFound); any other close (too slow, stream
 * closed, shutdown, write failure) writes what the socket takes at once and closes it.
 */
final class RtmpPlaySink implements FrameSink {
    static final int AUDIO_CHUNK_STREAM_ID = RtmpMediaWriter.AUDIO_CHUNK_STREAM_ID;
    static final int VIDEO_CHUNK_STREAM_ID = RtmpMediaWriter.VIDEO_CHUNK_STREAM_ID;
    private static final Logger LOG = LoggerFactory.getLogger(RtmpPlaySink.class);
    private static final long NOT_BLOCKED = Long.MIN_VALUE;

    private final PlayerSession session;
    private final PlayerOutput output;
    private final RtmpMediaWriter media;
    private volatile boolean detaching;
    private boolean closed;
    /** Whether {@link #writeStart} ran: the viewer got its stream. */
    private boolean started;
    /** The session's writable epoch when the socket last refused bytes; NOT_BLOCKED while it takes them. */
    private long blockedAtEpoch = NOT_BLOCKED;

    RtmpPlaySink(PlayerSession session, PlayerOutput output, int messageStreamId) {
        this.session = session;
        this.output = output;
        this.media = new RtmpMediaWriter(output, messageStreamId, false);
    }

    /** Stops all media at once; the loop calls this before queuing the reply that ends playback. Any thread. */
    void detach() {
        detaching = true;
    }

    /**
     * Drains replies and pending bytes. A sink the socket refused does not try again (no system call per pump)
     * until the loop reports writability: it reads the epoch before writing, and the loop bumps it only after
     * the interest this sink registers, so a report racing with the refusal is never lost.
     */
    @Override
    public boolean isReady() throws IOException {
        int epoch = session.writableEpoch();
        if (epoch == blockedAtEpoch) {
            return false;
        }
        boolean drained = output.drain();
        if (drained) {
            blockedAtEpoch = NOT_BLOCKED;
        } else {
            blocked(epoch);
        }
        // Read after draining replies: a stop reply seen above implies the detach is visible here.
        return drained && !detaching;
    }

    @Override
    public void writeStart(byte[] metadata, TrackFormat videoFormat, TrackFormat audioFormat) throws IOException {
        if (detaching) {
            return;
        }
        started = true;
        int epoch = session.writableEpoch();
        if (!media.writeStart(metadata, videoFormat, audioFormat)) {
            blocked(epoch);
        }
    }

    @Override
    public void writeMetadata(byte[] metadata, long timestampMs) throws IOException {
        if (detaching) {
            return;
        }
        int epoch = session.writableEpoch();
        if (!media.writeMetadata(metadata, timestampMs)) {
            blocked(epoch);
        }
    }

    @Override
    public void writeSequenceHeader(TrackFormat format, long timestampMs) throws IOException {
        if (detaching) {
            return;
        }
        int epoch = session.writableEpoch();
        if (!media.writeSequenceHeader(format, timestampMs)) {
            blocked(epoch);
        }
    }

    @Override
    public void writeFrame(TrackKind kind, FrameEvent frame, DirectBuffer buffer, int offset, int length)
            throws IOException {
        if (detaching) {
            return;
        }
        int epoch = session.writableEpoch();
        if (!media.writeFrame(kind, frame, buffer, offset, length)) {
            blocked(epoch);
        }
    }

    @Override
    public void flush() throws IOException {
        int epoch = session.writableEpoch();
        if (epoch != blockedAtEpoch && !output.flushPending()) {
            blocked(epoch);
        }
    }

    private void blocked(int epoch) {
        blockedAtEpoch = epoch;
        session.requestWriteInterest();
    }

    @Override
    public void close(CloseReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        // A batch the subscription ended early is not sent: the viewer is cut, or the loop takes the role back.
        output.dropGathered();
        if (detaching) {
            session.onSinkDetached(this);
            return;
        }
        if (reason == CloseReason.STREAM_CLOSED && !started) {
            session.onSinkNotDelivered(this);
            return;
        }
        try {
            output.flushPending();
        } catch (IOException e) {
            LOG.debug("RTMP viewer {}: last write failed: {}", session.remote(), e.toString());
        }
        session.onSinkClosed(this, reason);
    }
}
