package io.ringcast.broadcast.subscribe;

import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.latency.LatencyStats;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamState;
import io.ringcast.broadcast.stream.SubscriberStats;
import io.ringcast.broadcast.stream.WakeTarget;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * One viewer of one stream: reads the stream's tracks with its own cursors, interleaves them in publish order and
 * hands frames to its {@link FrameSink}, applying the {@link LagPolicy}. Owned by one egress worker thread from
 * {@link FanoutWorker#add}; other threads may only call {@link #requestClose} and {@link #requestPump}.
 *
 * <p>Start: metadata and the tracks' current sequence headers first, then frames from the newest keyframe (or,
 * with {@link RingConfig#startAtNextKeyframe()}, the next one). Audio starts with the first frame published after
 * that keyframe, so tracks stay in step.
 *
 * <p>Zero-copy: a frame goes from its track's payload ring to the sink, which writes it to the network from there,
 * each frame at once when the viewer keeps up, or all frames of a batch in one write when several were waiting (the
 * viewer was not writable, or the worker came late). The producer never waits for viewers, so a frame is handed
 * over only while its bytes lie in the newer half of the ring (a viewer further behind skips to the newest
 * keyframe, as a lapped one does), and the batch's bytes are validated after its flush; a viewer whose frame was
 * overwritten meanwhile is cut and counted ({@link CloseReason#OVERWRITTEN_MID_WRITE}), it may have received torn
 * bytes.
 *
 * <p>Latency: for every frame ingested after the viewer joined, write completion (after the batch's flush) minus
 * the frame's ingest time goes into the stream's {@link LatencyStats} for this protocol; both on the stream's
 * {@link Stream#clock() clock}, the one ingest stamps frames with.
 */
public final class Subscription implements SubscriberStats {
    private static final int BATCH_FRAMES = 64;
    private static final long NONE = -1;
    private static final int NOT_BLOCKED = Integer.MIN_VALUE;
    private static final int NO_SESSION = Integer.MIN_VALUE;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Subscription.class);

    private final Stream stream;
    private final NanoClock clock;
    private final String protocol;
    private final FrameSink sink;
    private final TrackCursor video;
    private final TrackCursor audio;
    private final LagPolicy lagPolicy;
    private final LatencyStats latency;
    /** This viewer's worker's own recorder of {@link #latency}, bound at {@link #attach}. */
    private LatencyStats.Writer latencyWriter;
    private final boolean startAtNextKeyframe;
    private final long[] batchIngestNanos = new long[BATCH_FRAMES];
    private final Runnable closeOnStreamEnd = this::requestPump;

    private volatile CloseReason closeRequest;
    /** Bumped by {@link #requestPump}; a sink found not ready at value v stays blocked while it is still v. */
    private volatile int pumpRequests;
    private int blockedAtPumpRequests = NOT_BLOCKED;
    private WakeTarget worker;
    private boolean started;
    /** Payload position of the batch's first frame of each track, NONE before it; checked after the flush. */
    private long oldestVideoInBatch = NONE;
    private long oldestAudioInBatch = NONE;
    private boolean waitingForKeyframe;
    private boolean closed;
    /** See {@link #hasLeftover()}. */
    private boolean leftover;
    /** Publisher session of the last frame sent: a new one (reconnect, backup switch) gets its metadata first. */
    private int session = NO_SESSION;
    /**
     * Frames ingested before the viewer asked are sent from the ring at once (the GOP burst that gives a first
     * picture without waiting); they are old by design, not delayed by the server, so latency skips them.
     */
    private final long joinedNanos;
    private long framesSent;
    private long framesSkipped;
    /** Written by the owning worker only; read racily by stats ({@link SubscriberStats}). */
    private long videoBytesSent;
    private long audioBytesSent;
    private final SentRates rates = new SentRates();

    public Subscription(Stream stream, String protocol, FrameSink sink, RingConfig config) {
        this.stream = stream;
        this.clock = stream.clock();
        this.joinedNanos = clock.nanoTime();
        this.protocol = protocol;
        this.sink = sink;
        TrackRing videoRing = stream.track(TrackKind.VIDEO);
        TrackRing audioRing = stream.track(TrackKind.AUDIO);
        this.video = videoRing == null ? null : new TrackCursor(videoRing);
        this.audio = audioRing == null ? null : new TrackCursor(audioRing);
        this.lagPolicy = new LagPolicy(TimeUnit.MILLISECONDS.toNanos(config.skipLagMs()),
                TimeUnit.MILLISECONDS.toNanos(config.disconnectLagMs()));
        this.latency = stream.latency(protocol);
        this.startAtNextKeyframe = config.startAtNextKeyframe();
    }

    public Stream stream() {
        return stream;
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public long videoBytesSent() {
        return videoBytesSent;
    }

    @Override
    public long audioBytesSent() {
        return audioBytesSent;
    }

    @Override
    public double videoBitsPerSecond() {
        return rates.videoBitsPerSecond();
    }

    @Override
    public double audioBitsPerSecond() {
        return rates.audioBitsPerSecond();
    }

    @Override
    public void sampleRates(long nowNs) {
        rates.sample(videoBytesSent, audioBytesSent, nowNs);
    }

    @Override
    public long framesSent() {
        return framesSent;
    }

    public long framesSkipped() {
        return framesSkipped;
    }

    /** Asks the owning worker to end this subscription; any thread. */
    public void requestClose(CloseReason reason) {
        if (closeRequest == null) {
            closeRequest = reason;
        }
        requestPump();
    }

    /** Asks the owning worker to look at this subscription soon (the sink became writable); any thread. */
    public void requestPump() {
        pumpRequests++;
        WakeTarget w = worker;
        if (w != null) {
            w.wake();
        }
    }

    /** Binds to the owning worker and counts the viewer in; false if the stream closed meanwhile. */
    boolean attach(WakeTarget owner) {
        this.worker = owner;
        this.latencyWriter = latency.writerFor(owner instanceof FanoutWorker w ? w.index() : -1);
        if (!stream.addSubscriber(protocol, owner, this)) {
            return false;
        }
        stream.onClose(closeOnStreamEnd);
        return true;
    }

    boolean isClosed() {
        return closed;
    }

    /** Whether the last {@link #pump} stopped at its batch bound with frames left to hand over; owning worker. */
    boolean hasLeftover() {
        return leftover;
    }

    /**
     * Moves frames from the rings to the sink; returns how many frames it handled (0 = nothing to do).
     *
     * @param nowNs the worker's clock, for the lag policy
     */
    int pump(long nowNs) {
        leftover = false;
        if (closed) {
            return 0;
        }
        CloseReason reason = closeRequest;
        if (reason == null && stream.state() == StreamState.CLOSED) {
            reason = CloseReason.STREAM_CLOSED;
        }
        if (reason != null) {
            close(reason);
            return 1;
        }
        if (isBlocked()) {
            // The sink said "not ready" and has not asked for a pump since: only the lag clock runs.
            if (lagPolicy.onBlocked(nowNs)) {
                disconnectTooSlow();
                return 1;
            }
            return 0;
        }
        try {
            return started ? pumpFrames(nowNs) : tryStart(nowNs);
        } catch (IOException e) {
            LOG.debug("{} viewer of {}: write failed: {}", protocol, stream.path(), e.toString());
            close(CloseReason.WRITE_FAILED);
            return 1;
        } catch (RuntimeException e) {
            // A broken sink ends its own viewer, never the worker thread that serves the others.
            LOG.warn("{} viewer of {} failed; closing it", protocol, stream.path(), e);
            close(CloseReason.WRITE_FAILED);
            return 1;
        }
    }

    private boolean isBlocked() {
        return blockedAtPumpRequests != NOT_BLOCKED && blockedAtPumpRequests == pumpRequests;
    }

    /** Asks the sink whether it takes data; remembers a refusal so the worker may sleep until a pump request. */
    private boolean sinkReady() throws IOException {
        int requests = pumpRequests;
        if (sink.isReady()) {
            blockedAtPumpRequests = NOT_BLOCKED;
            return true;
        }
        blockedAtPumpRequests = requests;
        return false;
    }

    private int tryStart(long nowNs) throws IOException {
        TrackFormat videoFormat = video == null ? null : video.ring().format();
        TrackFormat audioFormat = audio == null ? null : audio.ring().format();
        long keyframe = video == null ? NONE : video.ring().newestKeyframeSequence();
        boolean videoReady = videoFormat != null && (keyframe >= 0 || startAtNextKeyframe);
        boolean audioOnly = videoFormat == null && audioFormat != null && audio.ring().cursor() >= 0;
        if (!videoReady && !audioOnly) {
            return 0;
        }
        if (!sinkReady()) {
            if (lagPolicy.onBlocked(nowNs)) {
                disconnectTooSlow();
                return 1;
            }
            return 0;
        }
        // Read the keyframe position before the formats, so formats are at least as new as the start frame.
        if (videoReady) {
            videoFormat = video.ring().format();
            audioFormat = audio == null ? null : audio.ring().format();
            positionAtKeyframe(startAtNextKeyframe ? NONE : keyframe);
        } else {
            audio.seek(audio.ring().cursor());
        }
        sink.writeStart(stream.metadata(), videoFormat, audioFormat);
        started = true;
        return 1 + pumpFrames(nowNs);
    }

    /**
     * Puts video at {@code keyframe} (or waiting for the next one when NONE, or when that keyframe cannot be
     * written from the ring any more) and audio in step with it.
     */
    private void positionAtKeyframe(long keyframe) {
        if (keyframe != NONE) {
            video.seek(keyframe);
            // A keyframe the producer may reach during its write (a ring that holds barely a GOP) is no start.
            if (video.load() == TrackCursor.FRAME && video.isPayloadClearOfProducer()) {
                waitingForKeyframe = false;
                if (audio != null) {
                    audio.seekToOrder(video.frame().order());
                }
                return;
            }
        }
        video.seek(video.ring().cursor() + 1);
        waitingForKeyframe = true;
        if (audio != null) {
            audio.seek(audio.ring().cursor() + 1);
        }
    }

    private int pumpFrames(long nowNs) throws IOException {
        int sent = 0;
        boolean bounded = true;
        // Skips and drops do not send anything; bound them too so one viewer cannot hold the worker.
        for (int steps = 0; sent < BATCH_FRAMES && steps < 4 * BATCH_FRAMES; steps++) {
            if (!sinkReady()) {
                if (lagPolicy.onBlocked(nowNs)) {
                    disconnectTooSlow();
                    return sent + 1;
                }
                bounded = false;
                break;
            }
            TrackCursor next = nextInOrder();
            if (next == null) {
                lagPolicy.onCaughtUp();
                bounded = false;
                break;
            }
            if (next == LAPPED_MARKER) {
                skipToNewestKeyframe();
                continue;
            }
            FrameEvent frame = next.frame();
            if (waitingForKeyframe && next == video && !frame.isKeyframe() && !frame.isSequenceHeader()) {
                next.advance();
                continue;
            }
            if (frame.isKeyframe() && next == video) {
                waitingForKeyframe = false;
            }
            LagPolicy.Decision decision = lagPolicy.onFrame(nowNs, frame.ingestNanos(),
                    video != null && video.newerKeyframeAvailable());
            if (decision == LagPolicy.Decision.DISCONNECT) {
                disconnectTooSlow();
                return sent + 1;
            }
            if (decision == LagPolicy.Decision.SKIP_TO_KEYFRAME) {
                skipToNewestKeyframe();
                continue;
            }
            if (!sendLoaded(next)) {
                skipToNewestKeyframe();
                continue;
            }
            batchIngestNanos[sent++] = frame.ingestNanos();
        }
        leftover = bounded;
        if (sent > 0) {
            sink.flush();
            if (!batchIntact()) {
                close(CloseReason.OVERWRITTEN_MID_WRITE);
                stream.countOverwrittenMidWrite();
                return sent + 1;
            }
            long written = clock.nanoTime();
            for (int i = 0; i < sent; i++) {
                long ingested = batchIngestNanos[i];
                if (ingested - joinedNanos >= 0) {
                    latencyWriter.record(written - ingested);
                }
            }
            framesSent += sent;
        }
        return sent;
    }

    private static final TrackCursor LAPPED_MARKER = new TrackCursor(null);

    /** The track whose loaded frame comes first in publish order, null when none, LAPPED_MARKER if lapped. */
    private TrackCursor nextInOrder() {
        int v = video == null ? TrackCursor.EMPTY : video.load();
        int a = audio == null ? TrackCursor.EMPTY : audio.load();
        if (v == TrackCursor.LAPPED || a == TrackCursor.LAPPED) {
            return LAPPED_MARKER;
        }
        // A frame seen on one track proves everything published before it on the other is visible: look again.
        if (v == TrackCursor.EMPTY && a == TrackCursor.FRAME && video != null) {
            v = video.load();
        } else if (a == TrackCursor.EMPTY && v == TrackCursor.FRAME && audio != null) {
            a = audio.load();
        }
        if (v == TrackCursor.LAPPED || a == TrackCursor.LAPPED) {
            return LAPPED_MARKER;
        }
        if (v == TrackCursor.FRAME && a == TrackCursor.FRAME) {
            return video.frame().order() < audio.frame().order() ? video : audio;
        }
        if (v == TrackCursor.FRAME) {
            return video;
        }
        return a == TrackCursor.FRAME ? audio : null;
    }

    /**
     * Hands the loaded frame, where it lies in the ring, to the sink (which writes it now or with the rest of the
     * batch at the flush); false when its payload is in the older half of the ring, where the producer might reach
     * it before the write is done: the viewer is far behind and skips instead.
     */
    private boolean sendLoaded(TrackCursor cursor) throws IOException {
        FrameEvent frame = cursor.frame();
        if (!cursor.isPayloadClearOfProducer()) {
            return false;
        }
        if (frame.session() != session) {
            newSession(frame);
        }
        TrackRing ring = cursor.ring();
        TrackKind kind = ring.kind();
        int length = frame.payloadLength();
        sink.writeFrame(kind, frame, ring.payloadBuffer(), cursor.payloadOffset(), length);
        if (kind == TrackKind.VIDEO) {
            videoBytesSent += length;
            if (oldestVideoInBatch == NONE) {
                oldestVideoInBatch = frame.payloadPosition();
            }
        } else {
            audioBytesSent += length;
            if (oldestAudioInBatch == NONE) {
                oldestAudioInBatch = frame.payloadPosition();
            }
        }
        cursor.advance();
        return true;
    }

    /**
     * After the batch's flush: whether the producer left every frame of it intact while it was written. Positions
     * only grow, so the oldest frame of each track speaks for the rest. Resets for the next batch.
     */
    private boolean batchIntact() {
        boolean intact = (oldestVideoInBatch == NONE || video.ring().isPayloadIntact(oldestVideoInBatch))
                && (oldestAudioInBatch == NONE || audio.ring().isPayloadIntact(oldestAudioInBatch));
        oldestVideoInBatch = NONE;
        oldestAudioInBatch = NONE;
        return intact;
    }

    /** The first frame of a publisher session: after the first, the metadata the new source published. */
    private void newSession(FrameEvent frame) throws IOException {
        byte[] metadata = stream.metadata();
        if (session != NO_SESSION && metadata != null) {
            sink.writeMetadata(metadata, frame.timestampMs());
        }
        session = frame.session();
    }

    private void skipToNewestKeyframe() throws IOException {
        long before = (video == null ? 0 : video.next()) + (audio == null ? 0 : audio.next());
        if (video != null) {
            TrackRing ring = video.ring();
            long keyframe = ring.newestKeyframeSequence();
            boolean readable = keyframe >= 0 && keyframe >= ring.oldestReadableSequence(ring.cursor());
            positionAtKeyframe(readable ? keyframe : NONE);
        } else {
            audio.seek(audio.ring().cursor());
        }
        long after = (video == null ? 0 : video.next()) + (audio == null ? 0 : audio.next());
        long skipped = Math.max(1, after - before);
        framesSkipped += skipped;
        stream.addFramesSkipped(skipped);
        resendFormats();
    }

    private void resendFormats() throws IOException {
        long timestampMs = 0;
        if (video != null && video.load() == TrackCursor.FRAME) {
            timestampMs = video.frame().timestampMs();
        } else if (audio != null && audio.load() == TrackCursor.FRAME) {
            timestampMs = audio.frame().timestampMs();
        }
        TrackFormat videoFormat = video == null ? null : video.ring().format();
        TrackFormat audioFormat = audio == null ? null : audio.ring().format();
        if (videoFormat != null) {
            sink.writeSequenceHeader(videoFormat, timestampMs);
        }
        if (audioFormat != null) {
            sink.writeSequenceHeader(audioFormat, timestampMs);
        }
    }

    private void disconnectTooSlow() {
        close(CloseReason.TOO_SLOW);
        stream.countLagDisconnect();
    }

    /** Ends the subscription on the owning thread: sink closed, viewer counted out. */
    void close(CloseReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        sink.close(reason);
        stream.removeSubscriber(protocol, worker, this);
        // A long-lived stream outlives thousands of viewers: it must not keep each one reachable.
        stream.removeCloseListener(closeOnStreamEnd);
    }
}
