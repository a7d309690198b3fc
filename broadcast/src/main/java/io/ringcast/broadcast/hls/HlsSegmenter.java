package io.ringcast.broadcast.hls;

import io.ringcast.broadcast.media.aac.AdtsHeader;
import io.ringcast.broadcast.media.aac.AudioSpecificConfig;
import io.ringcast.broadcast.media.avc.AvcDecoderConfigurationRecord;
import io.ringcast.broadcast.media.hevc.HevcAnnexB;
import io.ringcast.broadcast.media.hevc.HevcDecoderConfigurationRecord;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Cuts one stream's frames into MPEG-TS segments and publishes a new {@link HlsWindow} per segment. Owned by ONE
 * thread (the engine's gating handler), which calls {@link #onFrame} for every frame of both tracks in publish
 * order, plus {@link #onDiscontinuity()} and {@link #close()}; nothing here is thread-safe except what it
 * publishes through {@link HlsStream}.
 *
 * <p>Video is H.264 or H.265 (stream type 0x24); other video codecs (AV1, VP9) are skipped, with the reason logged
 * once per stream, and the stream's HLS is then audio-only.
 *
 * <p>Cutting: with video, a segment starts at an H.264 or H.265 keyframe and is closed at the first keyframe at least
 * the target duration after its start; audio-only streams cut at the first audio frame past the target. Whether a
 * stream has video is decided by whether an AVC or HEVC sequence header has been seen when a segment starts; the first
 * audio-only segment waits one target duration of audio for one, since upstreams without a GOP cache (nginx-rtmp,
 * a relayed stream joined mid-GOP) send audio before the video's sequence header and keyframe. A segment
 * lists the tracks configured at its start; frames of a track configured later wait for the next segment.
 *
 * <p>Steady state allocates nothing per frame: the muxer reuses its buffers. Each closed segment allocates its
 * byte array, its window snapshot and playlist. The muxer and its buffers are created when the first segment
 * starts, so a stream that never sends media costs only this object.
 */
public final class HlsSegmenter {
    private static final Logger LOG = LoggerFactory.getLogger(HlsSegmenter.class);
    private static final long NO_TIMESTAMP = Long.MIN_VALUE;
    private final HlsConfig config;
    private final HlsStream stream;
    private final NanoClock clock;
    private final SegmentFiles files;
    private final HlsStats stats;
    /** Created with the first segment. */
    private TsMuxer muxer;
    /** The video track's parsed configuration (from its format, never parsed here); null until a usable one. */
    private AvcDecoderConfigurationRecord avc;
    /** The video track's HEVC configuration, when it is H.265; at most one of avc and hevc is set. */
    private HevcDecoderConfigurationRecord hevc;
    /** Whether the skipped video codec was logged: once per stream. */
    private boolean skipLogged;
    /** The audio track's parsed configuration; null until one that ADTS can describe. */
    private AudioSpecificConfig aac;

    private long nextSequence;
    private boolean segmentOpen;
    private boolean segmentVideo;
    private boolean segmentAudio;
    private long segmentStartMs;
    private long segmentFirstIngestNanos;
    private long lastTimestampMs;
    /** Timestamp of the first audio frame seen before any segment and any video, or NO_TIMESTAMP. */
    private long firstLoneAudioMs = NO_TIMESTAMP;
    private boolean pendingDiscontinuity;
    private boolean closed;

    /**
     * @param files disk mirror, or null for memory only
     */
    public HlsSegmenter(HlsConfig config, HlsStream stream, NanoClock clock, SegmentFiles files) {
        this(config, stream, clock, files, 0);
    }

    /**
     * @param firstSequence media sequence number of the first segment; {@link HlsStreams} seeds it from the wall
     *                      clock so that a stream restarted at the same path never reuses a cached segment URI
     */
    public HlsSegmenter(HlsConfig config, HlsStream stream, NanoClock clock, SegmentFiles files, long firstSequence) {
        this.nextSequence = firstSequence;
        this.config = config;
        this.stream = stream;
        this.clock = clock;
        this.files = files;
        this.stats = stream.stats();
    }

    public HlsStream stream() {
        return stream;
    }

    /**
     * One frame from the engine, as a ring slot and its payload slice.
     *
     * @param payload the payload ring; {@code offset}/{@code length} cover the whole FLV-framed payload, valid only
     *                during this call (the segmenter copies what it keeps)
     */
    public void onFrame(TrackKind kind, FrameEvent frame, DirectBuffer payload, int offset, int length) {
        onFrame(frame.codec(), frame.isKeyframe(), frame.isSequenceHeader(), frame.timestampMs(),
                frame.compositionTimeMs(), frame.ingestNanos(), payload, offset, length, frame.headerLength(),
                frame.format());
    }

    /**
     * One frame as plain facts (same contract as {@link #onFrame(TrackKind, FrameEvent, DirectBuffer, int, int)}).
     *
     * @param timestampMs       decode time, non-decreasing per track
     * @param compositionTimeMs PTS minus DTS (video)
     * @param ingestNanos       when ingest read the frame, on the engine's clock, for availability latency
     * @param headerLength      bytes of FLV framing at {@code offset} before the codec data (5 AVC, 2 AAC)
     * @param format            for a sequence header, the track format it carries, whose parsed configuration
     *                          record the muxer uses; null for other frames
     */
    public void onFrame(Codec codec, boolean keyframe, boolean sequenceHeader, long timestampMs,
                        int compositionTimeMs, long ingestNanos, DirectBuffer payload, int offset, int length,
                        int headerLength, TrackFormat format) {
        if (closed || (codec != Codec.AVC && codec != Codec.HEVC && codec != Codec.AAC)) {
            if (!closed && codec.kind() == TrackKind.VIDEO && !skipLogged) {
                skipLogged = true;
                LOG.info("{}: HLS (MPEG-TS) skips the {} video track: MPEG-TS segments carry H.264 and H.265 only",
                        stream.path(), codec.displayName());
            }
            stats.onIgnored();
            return;
        }
        int dataOffset = offset + headerLength;
        int dataLength = length - headerLength;
        if (dataLength < 0) {
            stats.onMalformed();
            return;
        }
        if (sequenceHeader) {
            onSequenceHeader(codec, format);
        } else if (codec != Codec.AAC) {
            onVideo(keyframe, timestampMs, compositionTimeMs, ingestNanos, payload, dataOffset, dataLength);
        } else {
            onAudio(timestampMs, ingestNanos, payload, dataOffset, dataLength);
        }
    }

    /** Takes the facts ingest parsed once from the record; a record TS cannot carry counts as malformed. */
    private void onSequenceHeader(Codec codec, TrackFormat format) {
        if (codec != Codec.AAC) {
            AvcDecoderConfigurationRecord config = format == null ? null : format.avcConfig();
            avc = config != null && config.ppsCount() > 0 ? config : null;
            HevcDecoderConfigurationRecord hevcConfig = format == null ? null : format.hevcConfig();
            hevc = hevcConfig != null && hevcConfig.count(HevcAnnexB.NAL_PPS) > 0
                    ? hevcConfig : null;
            if (!hasVideo()) {
                stats.onMalformed();
            } else if (segmentOpen && !segmentVideo) {
                // Audio-only so far: video starts a new segment at its first keyframe, behind a discontinuity.
                closeSegment(lastTimestampMs);
                pendingDiscontinuity = true;
            }
        } else {
            AudioSpecificConfig config = format == null ? null : format.aacConfig();
            aac = config != null && AdtsHeader.canDescribe(config) ? config : null;
            if (aac == null) {
                stats.onMalformed();
            }
        }
    }

    private void onVideo(boolean keyframe, long timestampMs, int compositionTimeMs, long ingestNanos,
                         DirectBuffer payload, int offset, int length) {
        if (!hasVideo()) {
            stats.onDropped();
            return;
        }
        if (keyframe && (!segmentOpen || timestampMs - segmentStartMs >= config.targetDurationMs())) {
            if (segmentOpen) {
                closeSegment(timestampMs);
            }
            openSegment(true, timestampMs, ingestNanos);
        }
        if (!segmentOpen || !segmentVideo) {
            stats.onDropped();
            return;
        }
        boolean written = hevc != null
                ? muxer.writeHevc(hevc, payload, offset, length, timestampMs, compositionTimeMs, keyframe)
                : muxer.writeVideo(avc, payload, offset, length, timestampMs, compositionTimeMs, keyframe);
        if (written) {
            lastTimestampMs = Math.max(lastTimestampMs, timestampMs);
            stats.onMuxed();
        } else {
            stats.onMalformed();
        }
    }

    private void onAudio(long timestampMs, long ingestNanos, DirectBuffer payload, int offset, int length) {
        if (aac == null) {
            stats.onDropped();
            return;
        }
        if (!hasVideo() && !segmentOpen && awaitingVideo(timestampMs)) {
            stats.onDropped();
            return;
        }
        if (!hasVideo() && (!segmentOpen || timestampMs - segmentStartMs >= config.targetDurationMs())) {
            if (segmentOpen) {
                closeSegment(timestampMs);
            }
            openSegment(false, timestampMs, ingestNanos);
        }
        if (!segmentOpen || !segmentAudio) {
            stats.onDropped();
            return;
        }
        if (muxer.writeAudio(aac, payload, offset, length, timestampMs)) {
            lastTimestampMs = Math.max(lastTimestampMs, timestampMs);
            stats.onMuxed();
        } else {
            stats.onMalformed();
        }
    }

    /** Whether the video track has a configuration MPEG-TS can carry (H.264 or H.265). */
    private boolean hasVideo() {
        return avc != null || hevc != null;
    }

    /** Whether audio before the first segment should still wait for the video's sequence header. */
    private boolean awaitingVideo(long timestampMs) {
        if (firstLoneAudioMs == NO_TIMESTAMP) {
            firstLoneAudioMs = timestampMs;
        }
        return timestampMs - firstLoneAudioMs < config.targetDurationMs();
    }

    private void openSegment(boolean withVideo, long timestampMs, long ingestNanos) {
        segmentVideo = withVideo;
        segmentAudio = aac != null;
        if (muxer == null) {
            muxer = new TsMuxer(config.initialSegmentCapacityBytes());
        }
        int videoStreamType = !segmentVideo ? PsiWriter.NO_VIDEO
                : hevc != null ? PsiWriter.STREAM_TYPE_HEVC : PsiWriter.STREAM_TYPE_H264;
        muxer.startSegment(videoStreamType, segmentAudio);
        segmentOpen = true;
        segmentStartMs = timestampMs;
        lastTimestampMs = timestampMs;
        segmentFirstIngestNanos = ingestNanos;
    }

    /** Publishes the open segment as ending at {@code endMs}; once per segment, so it may allocate. */
    private void closeSegment(long endMs) {
        segmentOpen = false;
        long latencyNs = clock.nanoTime() - segmentFirstIngestNanos;
        HlsSegment segment = new HlsSegment(nextSequence++, Math.max(0, endMs - segmentStartMs),
                pendingDiscontinuity, muxer.copySegment(), latencyNs);
        pendingDiscontinuity = false;
        HlsWindow previous = stream.window();
        HlsWindow next = previous.append(segment, config.windowSegments());
        stream.publish(next);
        stats.onSegment(latencyNs);
        if (files != null) {
            long firstKept = next.firstSequence();
            List<HlsSegment> removed = previous.segments().stream().filter(s -> s.sequence() < firstKept).toList();
            files.publish(next, removed);
        }
    }

    /**
     * The publisher reconnected or a codec changed: publishes the open segment, forgets the codec configuration
     * (the new publisher sends its own sequence headers) and flags the next segment with EXT-X-DISCONTINUITY.
     * Call it before the new publisher's first frame.
     */
    public void onDiscontinuity() {
        if (segmentOpen) {
            closeSegment(lastTimestampMs);
        }
        avc = null;
        hevc = null;
        aac = null;
        pendingDiscontinuity = stream.window().segments().size() > 0;
    }

    /**
     * The stream ended: drops the open segment (nobody will play past the end of a stream that is gone) and
     * deletes the disk mirror. Frames after this are ignored.
     */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        segmentOpen = false;
        if (files != null) {
            files.delete(stream.window());
        }
    }

    /** The segment being written, for tests: bytes so far (0 when none is open). */
    int openSegmentLength() {
        return segmentOpen ? muxer.length() : 0;
    }

    /** Bytes the current segment buffer can hold without growing; 0 before the first segment opens. */
    public int segmentBufferCapacity() {
        return muxer == null ? 0 : muxer.segmentCapacity();
    }
}
