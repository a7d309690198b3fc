package io.ringcast.broadcast.stream;

import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import org.agrona.DirectBuffer;

/**
 * One publisher's session on a stream: the only way to write its tracks. Owned by the publishing connection's
 * thread from {@link Stream#publish} until {@link #close()}.
 *
 * <p>Timestamps are rebased per session so that subscribers who stay connected across a publisher reconnect see
 * them continue from where the previous session stopped, never going back.
 *
 * <p>Backup sources: on a stream with a {@link SourceSwitch} a session is switched ({@link #isSwitched()}): its
 * frames are offered with {@link #offer}, complete, and written by its {@link SwitchedFeed} only while it is the
 * active source. A primary that published before the backup arrived keeps writing in place ({@link #publish})
 * until its thread calls {@link #acknowledgeSwitch()}, once it has no message in progress.
 */
public final class StreamPublisher implements AutoCloseable {
    private final Stream stream;
    private final PublisherInfo info;
    private final TrackRing video;
    private final TrackRing audio;
    private final long floorMs;
    private final boolean rebase;
    private final SourceRole role;
    private final int session;
    /** Set when the session is switched (at creation, or for a legacy primary when a backup attaches). */
    private volatile SwitchedFeed feed;
    private boolean offsetKnown;
    private long offsetMs;
    private boolean closed;
    /** When the publishing connection last read bytes; written by its thread, read by a would-be successor. */
    private volatile long lastReadNanos;
    /** Closes the publishing connection (its thread then ends the session as for any disconnect); or null. */
    private volatile Runnable disconnect;
    /** Closes the publishing connection, with a reason, when the engine ends its stream; or null. */
    private volatile java.util.function.Consumer<String> endedByServer;
    /** Set by the registry once, before the session is handed out; run by {@link #close()}. */
    private volatile Runnable afterClose;

    StreamPublisher(Stream stream, PublisherInfo info, long previousLastTimestampMs, int session) {
        this.stream = stream;
        this.info = info;
        this.role = SourceRole.PRIMARY;
        this.session = session;
        this.video = stream.track(TrackKind.VIDEO);
        this.audio = stream.track(TrackKind.AUDIO);
        forEachRing(ring -> ring.beginSession(session));
        forEachRing(TrackRing::holdForWriter);
        this.rebase = previousLastTimestampMs >= 0;
        this.floorMs = rebase ? previousLastTimestampMs + 1 : 0;
    }

    /** A switched session of {@code role}: it touches the rings only through its feed, holding the write token. */
    StreamPublisher(Stream stream, PublisherInfo info, SourceRole role, SourceSwitch sources, long attachedNanos) {
        this.stream = stream;
        this.info = info;
        this.role = role;
        this.session = 0;
        this.video = stream.track(TrackKind.VIDEO);
        this.audio = stream.track(TrackKind.AUDIO);
        this.rebase = false;
        this.floorMs = 0;
        this.feed = new SwitchedFeed(stream, sources, role, attachedNanos);
        forEachRing(TrackRing::holdForWriter);
    }

    /** Makes this (legacy, primary) session switched; under the stream's monitor when a backup first attaches. */
    void attachSwitch(SourceSwitch sources, long attachedNanos) {
        feed = new SwitchedFeed(stream, sources, session, attachedNanos);
    }

    /** The role this session publishes in. */
    public SourceRole role() {
        return role;
    }

    /**
     * Whether this session's frames must be {@link #offer offered} (the stream has a backup source); its thread
     * checks it when a message starts. A primary that sees it turn true calls {@link #acknowledgeSwitch()} once its
     * messages in progress are published.
     */
    public boolean isSwitched() {
        return feed != null;
    }

    /** Whether the switch still waits for this session's {@link #acknowledgeSwitch()}. */
    public boolean needsSwitchAcknowledged() {
        SwitchedFeed f = feed;
        return f != null && !f.acknowledged();
    }

    /**
     * The publishing thread has no message in progress that was reserved in the rings: it publishes only with
     * {@link #offer} from now on, and the backup may take over. Idempotent.
     */
    public void acknowledgeSwitch() {
        SwitchedFeed f = feed;
        if (f != null) {
            f.acknowledge(offsetKnown, offsetMs, floorMs);
        }
    }

    /** Whether this session's frames reach viewers now: the sole or the active source. Any thread, for stats. */
    public boolean isActive() {
        SwitchedFeed f = feed;
        return f == null || f.isActive();
    }

    /** Frames this switched session offered (written or held), for stats; 0 for a session without backup. */
    public long framesOffered() {
        SwitchedFeed f = feed;
        return f == null ? 0 : f.framesOffered();
    }

    /** The ring session of a session without backup (0 for a switched one, whose feed numbers its own). */
    int sessionId() {
        return session;
    }

    SwitchedFeed feed() {
        return feed;
    }

    /**
     * Offers a complete frame of a switched session from the publisher's own buffer: copied into the track's ring
     * (rebased) if this source is active or takes over at this frame, else only remembered as needed to take over
     * later. Returns whether it reached the ring.
     *
     * @param rawTimestampMs the publisher's own decode timestamp; rebased onto the stream's timeline
     */
    public boolean offer(TrackKind kind, DirectBuffer buffer, int offset, int length, int headerLength, Codec codec,
                         boolean keyframe, boolean sequenceHeader, long rawTimestampMs, int compositionTimeMs,
                         long ingestNanos) {
        assert feed != null && !closed;
        return feed.offer(kind, buffer, offset, length, headerLength, codec, keyframe, sequenceHeader, rawTimestampMs,
                compositionTimeMs, ingestNanos);
    }

    public Stream stream() {
        return stream;
    }

    /** The publishing connection read bytes at {@code nanoTime}; its thread, at each read (one volatile store). */
    public void readAt(long nanoTime) {
        lastReadNanos = nanoTime;
    }

    long lastReadNanos() {
        return lastReadNanos;
    }

    /**
     * How to close the publishing connection, so that a new publisher may take over a session whose connection
     * died without a close ({@link Stream#disconnectStalePublisher}).
     */
    public void onDisconnect(Runnable closeConnection) {
        this.disconnect = closeConnection;
    }

    Runnable disconnect() {
        return disconnect;
    }

    /**
     * How to close the publishing connection when the engine itself ends the stream under it (no media within the
     * no-media timeout); called with the reason, on the engine's housekeeping thread. Its thread then ends the
     * session as for any disconnect.
     */
    public void onEndedByServer(java.util.function.Consumer<String> closeConnection) {
        this.endedByServer = closeConnection;
    }

    /** Runs the {@link #onEndedByServer} action, if any. */
    void endedByServer(String reason) {
        java.util.function.Consumer<String> close = endedByServer;
        if (close != null) {
            close.accept(reason);
        }
    }

    public PublisherInfo info() {
        return info;
    }

    /** The ring of a track, or null when that track is disabled (EnableAudio/EnableVideo): drop its frames. */
    public TrackRing track(TrackKind kind) {
        return kind == TrackKind.VIDEO ? video : audio;
    }

    /**
     * Publishes a frame already written at a reserved position of the track's payload ring.
     *
     * @param rawTimestampMs the publisher's own decode timestamp; rebased here
     */
    public void publish(TrackKind kind, long position, int length, int headerLength, Codec codec, boolean keyframe,
                        boolean sequenceHeader, long rawTimestampMs, int compositionTimeMs, long ingestNanos) {
        TrackRing ring = track(kind);
        assert ring != null && !closed;
        if (!offsetKnown) {
            offsetMs = rebase ? floorMs - rawTimestampMs : 0;
            offsetKnown = true;
        }
        long timestampMs = Math.max(rawTimestampMs + offsetMs, floorMs);
        ring.publish(position, length, headerLength, codec, keyframe, sequenceHeader, timestampMs,
                compositionTimeMs, ingestNanos, stream.nextOrder(ingestNanos));
        stream.noteTimestamp(timestampMs);
        stream.wakeSubscribers();
    }

    /**
     * Sets the configuration joiners start with; call before publishing the sequence header frame itself, which then
     * carries this format (with its parsed record) to taps such as HLS.
     */
    public void updateFormat(TrackFormat format) {
        SwitchedFeed f = feed;
        if (f != null && f.acknowledged()) {
            f.updateFormat(format);
            return;
        }
        TrackRing ring = track(format.codec().kind());
        if (ring != null) {
            ring.updateFormat(format);
        }
    }

    /** Sets the stream metadata (encoded as the ingest protocol carries it, e.g. an AMF0 onMetaData body). */
    public void updateMetadata(byte[] metadata) {
        SwitchedFeed f = feed;
        if (f != null && f.acknowledged()) {
            f.updateMetadata(metadata);
            return;
        }
        stream.updateMetadata(metadata);
    }

    /** Ends the session: the stream waits for a new publisher (or closes, per its lifecycle). Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            stream.publisherLeft(this);
            releaseRings();
            Runnable after = afterClose;
            if (after != null) {
                after.run();
            }
        }
    }

    /**
     * Undoes the hold every session puts on its tracks' rings when it is created (under the stream's monitor,
     * before it is handed out), so that a closing stream never gives back memory this session may still write.
     * Once: by {@link #close()}, or by the stream for a session it did not hand out.
     */
    void releaseRings() {
        forEachRing(TrackRing::releaseWriter);
    }

    private void forEachRing(java.util.function.Consumer<TrackRing> action) {
        if (video != null) {
            action.accept(video);
        }
        if (audio != null) {
            action.accept(audio);
        }
    }

    /** Runs {@code action} once when this session closes (the registry releases the publish gate's admission). */
    void afterClose(Runnable action) {
        this.afterClose = action;
    }

    public boolean isClosed() {
        return closed;
    }
}
