package io.ringcast.broadcast.stream;

import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One source of a stream with a backup: offers each frame to the stream, writing it to the track rings only while
 * it holds the stream's {@link WriteToken}, and otherwise (standby) remembering only its sequence headers and
 * metadata. At a keyframe where {@link SourceSwitch#mayTakeOver} says so, it takes the token over and starts a new
 * ring session: its metadata, its sequence headers, then the keyframe, all rebased onto the stream's timeline just
 * after the newest timestamp viewers have, so timestamps never go back across a switch. Owned by the source's
 * ingest thread; {@link #lastFrameNanos()} is read by the other source's thread.
 *
 * <p>Frames arrive as complete payloads in the source's own buffer and are copied into the ring (a standby must not
 * reserve ring space); nothing is allocated per frame.
 */
final class SwitchedFeed {
    private static final int TRACKS = TrackKind.values().length;
    /** Longest frame interval believed when placing a new source after the previous one's last frame. */
    private static final long MAX_INTERVAL_MS = 1_000;

    private final Stream stream;
    private final SourceSwitch sources;
    private final SourceRole role;
    private final WriteToken token;
    private final TrackRing video;
    private final TrackRing audio;
    /** The source's newest sequence header per track (its TrackFormat), replayed when it takes over. */
    private final TrackFormat[] formats = new TrackFormat[TRACKS];
    private final UnsafeBuffer replay = new UnsafeBuffer(new byte[0]);
    private byte[] metadata;
    /** This source's newest raw timestamp and frame interval per track (sequence headers aside). */
    private final long[] lastRawMs = {-1, -1};
    private final long[] intervalMs = {0, 0};
    /** The ring session (token epoch) this source writes under; NO_EPOCH before its first takeover. */
    private volatile int epoch;
    private long offsetMs;
    private long floorMs;
    private boolean acknowledged;
    private long framesHeld;
    /** Read by the other source's thread for the switch rule: the one volatile store per frame of a switched source. */
    private volatile long lastFrameNanos;
    /** Written by the owner only; read racily by stats, as other per-connection counters are. */
    private long framesOffered;

    SwitchedFeed(Stream stream, SourceSwitch sources, SourceRole role, long attachedNanos) {
        this.stream = stream;
        this.sources = sources;
        this.role = role;
        this.token = sources.token();
        this.video = stream.track(TrackKind.VIDEO);
        this.audio = stream.track(TrackKind.AUDIO);
        this.lastFrameNanos = attachedNanos;
        this.epoch = WriteToken.NO_EPOCH;
        this.acknowledged = true;
    }

    /**
     * For a primary that published before the switch existed: it keeps its ring session and rebase, and writes
     * directly until {@link #acknowledge} (its own thread).
     */
    SwitchedFeed(Stream stream, SourceSwitch sources, int legacyEpoch, long attachedNanos) {
        this(stream, sources, SourceRole.PRIMARY, attachedNanos);
        this.epoch = legacyEpoch;
        this.acknowledged = false;
    }

    SourceRole role() {
        return role;
    }

    /**
     * On the legacy primary's thread, once it has no zero-copy message in progress: takes over its rebase (when it
     * published a frame already) and the formats it published, and lets the backup take over from now on.
     */
    void acknowledge(boolean rebaseKnown, long legacyOffsetMs, long legacyFloorMs) {
        if (acknowledged) {
            return;
        }
        if (!rebaseKnown) {
            epoch = WriteToken.NO_EPOCH; // it wrote no frame yet: it starts as any source does, at a keyframe
        }
        offsetMs = legacyOffsetMs;
        floorMs = legacyFloorMs;
        formats[TrackKind.VIDEO.ordinal()] = video == null ? null : video.format();
        formats[TrackKind.AUDIO.ordinal()] = audio == null ? null : audio.format();
        metadata = stream.metadata();
        acknowledged = true;
        sources.acknowledge();
    }

    boolean acknowledged() {
        return acknowledged;
    }

    /** Engine-clock ingest time of this source's newest frame (its attach time before the first); any thread. */
    long lastFrameNanos() {
        return lastFrameNanos;
    }

    /** Frames this source offered; any thread, for stats. */
    long framesOffered() {
        return framesOffered;
    }

    /** Whether this source writes the rings now; any thread, for stats. */
    boolean isActive() {
        int e = epoch;
        return e != WriteToken.NO_EPOCH && token.holder() == e;
    }

    void updateFormat(TrackFormat format) {
        formats[format.codec().kind().ordinal()] = format;
    }

    void updateMetadata(byte[] newMetadata) {
        metadata = newMetadata;
        if (epoch != WriteToken.NO_EPOCH && token.tryBeginWrite(epoch)) {
            try {
                stream.updateMetadata(newMetadata);
            } finally {
                token.endWrite(epoch);
            }
        }
    }

    /**
     * Offers a complete frame at {@code buffer[offset, offset + length)}: written (rebased) while this source holds
     * the token, the start of a takeover at a switch point, else held back. Returns whether it was written.
     */
    boolean offer(TrackKind kind, DirectBuffer buffer, int offset, int length, int headerLength, Codec codec,
                  boolean keyframe, boolean sequenceHeader, long rawTimestampMs, int compositionTimeMs,
                  long ingestNanos) {
        lastFrameNanos = ingestNanos;
        framesOffered = framesOffered + 1;
        if (!sequenceHeader) {
            noteInterval(kind.ordinal(), rawTimestampMs);
        }
        TrackRing ring = kind == TrackKind.VIDEO ? video : audio;
        int e = epoch;
        if (e != WriteToken.NO_EPOCH && token.tryBeginWrite(e)) {
            try {
                return write(ring, kind, buffer, offset, length, headerLength, codec, keyframe, sequenceHeader,
                        rawTimestampMs, compositionTimeMs, ingestNanos);
            } finally {
                token.endWrite(e);
            }
        }
        if (acknowledged && isSwitchPoint(kind, keyframe, sequenceHeader)
                && sources.mayTakeOver(role, ingestNanos)) {
            int holder = token.holder();
            int next = stream.nextSession();
            if (token.takeOver(holder, next)) {
                try {
                    epoch = next;
                    begin(kind, rawTimestampMs, ingestNanos);
                    write(ring, kind, buffer, offset, length, headerLength, codec, keyframe, false,
                            rawTimestampMs, compositionTimeMs, ingestNanos);
                } finally {
                    token.endWrite(next);
                }
                sources.tookOver(role, holder);
                return true;
            }
        }
        framesHeld++;
        return false;
    }

    private void noteInterval(int track, long rawTimestampMs) {
        long delta = rawTimestampMs - lastRawMs[track];
        if (lastRawMs[track] >= 0 && delta > 0 && delta <= MAX_INTERVAL_MS) {
            intervalMs[track] = delta;
        }
        lastRawMs[track] = rawTimestampMs;
    }

    /**
     * A keyframe; or, for a source and stream without video, any audio frame (audio-only streams have no
     * keyframes).
     */
    private boolean isSwitchPoint(TrackKind kind, boolean keyframe, boolean sequenceHeader) {
        if (sequenceHeader) {
            return false;
        }
        if (kind == TrackKind.VIDEO) {
            return keyframe;
        }
        return formats[TrackKind.VIDEO.ordinal()] == null && (video == null || video.format() == null);
    }

    /**
     * Holding the token, before the takeover keyframe: a new ring session (HLS marks one discontinuity, viewers
     * resend metadata), the rebase onto the output timeline, then metadata and sequence headers. The keyframe comes
     * one of this source's frame intervals (the previous source's while it knows none) after the newest timestamp
     * viewers have, so a player's timeline moves on by one frame (equal timestamps are a repeated frame to a muxer).
     */
    private void begin(TrackKind kind, long rawTimestampMs, long ingestNanos) {
        for (TrackRing ring : new TrackRing[]{video, audio}) {
            if (ring != null) {
                ring.beginSession(epoch);
            }
        }
        long last = stream.lastTimestampMs();
        floorMs = last < 0 ? 0 : last + sources.intervalAtTakeOver(kind.ordinal(), intervalMs[kind.ordinal()]);
        offsetMs = last < 0 ? 0 : floorMs - rawTimestampMs;
        if (metadata != null) {
            stream.updateMetadata(metadata);
        }
        for (TrackKind track : TrackKind.values()) {
            TrackFormat format = formats[track.ordinal()];
            TrackRing ring = track == TrackKind.VIDEO ? video : audio;
            if (format == null || ring == null) {
                continue;
            }
            if (!format.hasSequenceHeader()) {
                ring.updateFormat(format);
                continue;
            }
            byte[] header = format.sequenceHeader();
            replay.wrap(header);
            write(ring, track, replay, 0, header.length, format.headerLength(), format.codec(), false, true,
                    rawTimestampMs, 0, ingestNanos);
        }
    }

    /**
     * Holding the token: rebases and copies one frame into its ring and wakes the viewers. A frame that falls before
     * the switch point (audio a little older than the takeover keyframe) is dropped: false.
     */
    private boolean write(TrackRing ring, TrackKind kind, DirectBuffer buffer, int offset, int length,
                          int headerLength, Codec codec, boolean keyframe, boolean sequenceHeader,
                          long rawTimestampMs, int compositionTimeMs, long ingestNanos) {
        if (ring == null) {
            return false;
        }
        long rebasedMs = rawTimestampMs + offsetMs;
        if (rebasedMs < floorMs && !sequenceHeader) {
            framesHeld++;
            return false;
        }
        if (sequenceHeader) {
            TrackFormat format = formats[kind.ordinal()];
            if (format != null) {
                ring.updateFormat(format);
            }
        }
        long timestampMs = Math.max(rebasedMs, floorMs);
        ring.publishCopy(buffer, offset, length, headerLength, codec, keyframe, sequenceHeader, timestampMs,
                compositionTimeMs, ingestNanos, stream.nextOrder(ingestNanos));
        stream.noteTimestamp(timestampMs);
        stream.wakeSubscribers();
        return true;
    }

    /** Frames held back while standby, or dropped as older than the switch point. */
    long framesHeld() {
        return framesHeld;
    }
}
