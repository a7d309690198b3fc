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
 * While nothing is pending and no reply waits, a pump touches only this object of the connection's write path
 * until it writes (see {@link #isReady()}).
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
    /** Bumped by the loop after it queued a reply ({@link #onReplyQueued}). */
    private volatile int repliesPosted;
    /**
     * {@link #repliesPosted} at the last drain; starts apart from it so that the first {@link #isReady()} drains
     * what the loop queued and left pending before the hand-over.
     */
    private int repliesDrained = -1;

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
     * Whether the sink takes media now, after draining replies and pending bytes. A sink the socket refused does not
     * try again (no system call per pump) until the loop reports writability ({@link #blocked()}). While the socket
     * takes everything and no reply waits, this reads only the sink's own fields: the session and the output's
     * reply queue are other objects, cold in a fan-out worker's cache after the kernel's writes to a thousand
     * sockets, and this runs for every viewer and frame.
     */
    @Override
    public boolean isReady() throws IOException {
        int replies = repliesPosted;
        if (blockedAtEpoch == NOT_BLOCKED && replies == repliesDrained) {
            // Nothing pending (a write that left bytes would have blocked the sink) and no reply since the last drain.
            return !detaching;
        }
        if (isStillBlocked()) {
            return false;
        }
        boolean drained = output.drain();
        repliesDrained = replies; // replies counted before the drain were queued before it, so they went out
        if (drained) {
            blockedAtEpoch = NOT_BLOCKED;
        } else {
            blocked();
        }
        // Read after draining replies: a stop reply seen above implies the detach is visible here.
        return drained && !detaching;
    }

    /**
     * The loop queued a reply in the output while this sink holds the write role; any thread, after the reply is
     * queued. The next {@link #isReady()} sends it, between two media messages.
     */
    void onReplyQueued() {
        repliesPosted++; // one writer: the loop
    }

    @Override
    public void writeStart(byte[] metadata, TrackFormat videoFormat, TrackFormat audioFormat) throws IOException {
        if (detaching) {
            return;
        }
        started = true;
        if (!media.writeStart(metadata, videoFormat, audioFormat)) {
            blocked();
        }
    }

    @Override
    public void writeMetadata(byte[] metadata, long timestampMs) throws IOException {
        if (detaching) {
            return;
        }
        if (!media.writeMetadata(metadata, timestampMs)) {
            blocked();
        }
    }

    @Override
    public void writeSequenceHeader(TrackFormat format, long timestampMs) throws IOException {
        if (detaching) {
            return;
        }
        if (!media.writeSequenceHeader(format, timestampMs)) {
            blocked();
        }
    }

    @Override
    public void writeFrame(TrackKind kind, FrameEvent frame, DirectBuffer buffer, int offset, int length)
            throws IOException {
        if (detaching) {
            return;
        }
        if (!media.writeFrame(kind, frame, buffer, offset, length)) {
            blocked();
        }
    }

    @Override
    public void flush() throws IOException {
        if (isStillBlocked()) {
            return;
        }
        if (!output.flushPending()) {
            blocked();
        }
    }

    /** Whether the socket refused bytes and the loop reported no writability since; reads the session only then. */
    private boolean isStillBlocked() {
        return blockedAtEpoch != NOT_BLOCKED && session.writableEpoch() == blockedAtEpoch;
    }

    /**
     * The socket refused bytes: waits for the loop's next writability report. The epoch is read after the refusal
     * and before the interest is asked for; the loop bumps it only on a writability event that follows an
     * interest, so a bump this read missed is still to come (a bump it saw, from an earlier interest, only costs
     * one retry).
     */
    private void blocked() {
        blockedAtEpoch = session.writableEpoch();
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
