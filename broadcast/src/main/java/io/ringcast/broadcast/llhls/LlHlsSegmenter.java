package io.ringcast.broadcast.llhls;

import io.ringcast.broadcast.media.MediaFormatException;
import io.ringcast.broadcast.media.aac.AudioSpecificConfig;
import io.ringcast.broadcast.media.avc.SpsInfo;
import io.ringcast.broadcast.media.avc.SpsParser;
import io.ringcast.broadcast.media.mp4.BoxWriter;
import io.ringcast.broadcast.media.mp4.FragmentWriter;
import io.ringcast.broadcast.media.mp4.InitSegment;
import io.ringcast.broadcast.media.mp4.Mp4Track;
import io.ringcast.broadcast.media.mp4.SampleEntries;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts one stream's H.264, HEVC or AV1 and AAC frames into LL-HLS fMP4: segments at keyframes (as the MPEG-TS
 * segmenter), parts of at most the part target, and within a part one CMAF chunk ({@code moof}+{@code mdat}) per video
 * frame (audio frames ride along with the next video chunk; audio-only streams write a chunk per frame), appended to
 * the open {@link LlPart} as soon as it is complete so that readers of the preload-hinted part get it at once. A video
 * frame is written when the next one arrives, since its duration is the distance to the next; audio frames last
 * {@link #AAC_FRAME_SAMPLES} samples. Owned by ONE thread (the stream's HLS tap), which calls {@link #onFrame} for
 * every frame in publish order and {@link #onDiscontinuity()} and {@link #close()}.
 *
 * <p>Allocation: a frame allocates nothing (the fragment writer and buffers are reused); each part allocates its
 * byte array and a new window with its playlist; each segment its concatenated bytes; each new codec configuration
 * its init segment.
 */
public final class LlHlsSegmenter {
    public static final int VIDEO_TRACK_ID = 1;
    public static final int AUDIO_TRACK_ID = 2;
    /** Video media timescale: 90 kHz, as MPEG-TS, so millisecond timestamps map exactly. */
    public static final int VIDEO_TIMESCALE = 90_000;
    public static final int AAC_FRAME_SAMPLES = 1024;
    private static final int VIDEO_TICKS_PER_MS = VIDEO_TIMESCALE / 1_000;
    private static final int VIDEO_SLOT = 0;
    private static final int AUDIO_SLOT = 1;
    private static final long NO_TIMESTAMP = Long.MIN_VALUE;
    private static final int MIN_PART_CAPACITY_BYTES = 16 * 1024;
    private static final int CHUNK_CAPACITY_BYTES = 64 * 1024;
    private static final int FRAME_CAPACITY_BYTES = 256 * 1024;

    private final LlHlsConfig config;
    private final LlHlsStream stream;
    private final FragmentWriter fragment = new FragmentWriter();
    private final BoxWriter chunk = new BoxWriter(CHUNK_CAPACITY_BYTES);
    private final ExpandableArrayBuffer pendingVideo = new ExpandableArrayBuffer(FRAME_CAPACITY_BYTES);

    /** The tracks' current formats (as published; parsed by ingest); null until a usable one. */
    private TrackFormat video;
    private TrackFormat audio;
    /** What the current init generation describes. */
    private TrackFormat generationVideo;
    private TrackFormat generationAudio;
    private int generation = -1;
    private final Map<Integer, byte[]> inits = new HashMap<>();

    private long nextSequence;
    private boolean segmentOpen;
    private boolean segmentVideo;
    private boolean segmentAudio;
    private long segmentSequence;
    private long segmentStartMs;
    private boolean segmentDiscontinuity;
    private final List<LlPart> segmentParts = new ArrayList<>();
    private LlPart part;
    private long partStartMs;
    private int lastPartLength = MIN_PART_CAPACITY_BYTES;

    private boolean hasPendingVideo;
    private long pendingDtsMs;
    private int pendingCompositionMs;
    private boolean pendingKeyframe;
    private int pendingLength;
    private long frameIntervalMs;

    private long audioNextTicks = NO_TIMESTAMP;
    private long firstLoneAudioMs = NO_TIMESTAMP;
    private long lastTimestampMs;
    private int chunkSequence;

    private final List<LlSegment> segments = new ArrayList<>();
    private long discontinuitySequence;
    private int targetDurationS;
    private boolean pendingDiscontinuity;
    private boolean closed;

    public LlHlsSegmenter(LlHlsConfig config, LlHlsStream stream, long firstSequence) {
        this.config = config;
        this.stream = stream;
        this.nextSequence = firstSequence;
        fragment.track(VIDEO_SLOT, VIDEO_TRACK_ID);
        fragment.track(AUDIO_SLOT, AUDIO_TRACK_ID);
    }

    public LlHlsStream stream() {
        return stream;
    }

    /**
     * One frame as plain facts; same contract as {@code HlsSegmenter.onFrame}: {@code offset}/{@code length} cover
     * the FLV-framed payload, valid during this call only; {@code headerLength} bytes of FLV framing come first;
     * {@code format} is the track format a sequence header carries.
     */
    public void onFrame(Codec codec, boolean keyframe, boolean sequenceHeader, long timestampMs,
                        int compositionTimeMs, DirectBuffer payload, int offset, int length, int headerLength,
                        TrackFormat format) {
        if (closed || (!carriesVideo(codec) && codec != Codec.AAC) || length < headerLength) {
            return;
        }
        if (sequenceHeader) {
            onSequenceHeader(codec, format);
        } else if (carriesVideo(codec)) {
            onVideo(keyframe, timestampMs, compositionTimeMs, payload, offset + headerLength, length - headerLength);
        } else {
            onAudio(timestampMs, payload, offset + headerLength, length - headerLength);
        }
    }

    /** The video codecs fMP4 carries here: H.264 ({@code avc1}), HEVC ({@code hvc1}), AV1 ({@code av01}). */
    private static boolean carriesVideo(Codec codec) {
        return codec == Codec.AVC || codec == Codec.HEVC || codec == Codec.AV1;
    }

    private void onSequenceHeader(Codec codec, TrackFormat format) {
        if (carriesVideo(codec)) {
            video = format == null || format.codec() != codec ? null : switch (codec) {
                case AVC -> format.avcConfig() != null && format.avcConfig().ppsCount() > 0
                        && format.avcConfig().spsCount() > 0 ? withSize(format) : null;
                // The sample entry needs the picture size, which ingest read from the record's SPS / sequence header.
                case HEVC -> format.hevcConfig() != null && format.width() > 0 && format.height() > 0 ? format : null;
                default -> format.av1Config() != null && format.width() > 0 && format.height() > 0 ? format : null;
            };
            if (video != null && segmentOpen && !segmentVideo) {
                // Audio-only so far: video starts a new segment (new init) at its first keyframe.
                closeSegment(lastTimestampMs);
                pendingDiscontinuity = true;
            }
        } else {
            AudioSpecificConfig asc = format == null ? null : format.aacConfig();
            audio = asc != null && asc.samplingFrequencyHz() > 0 ? format : null;
        }
    }

    /**
     * The format with its picture size: as ingest parsed it, or (a producer that left it out) from the record's
     * first SPS, once per sequence header; null when neither knows it (the sample entry needs it).
     */
    private TrackFormat withSize(TrackFormat format) {
        if (format.width() > 0 && format.height() > 0) {
            return format;
        }
        byte[] sps = format.avcConfig().sps(0);
        try {
            SpsInfo info = new SpsParser().parse(new UnsafeBuffer(sps), 0, sps.length);
            return info.width() > 0 && info.height() > 0 ? new TrackFormat(format.codec(), format.sequenceHeader(),
                    format.headerLength(), info.width(), info.height(), 0, 0, format.configuration()) : null;
        } catch (MediaFormatException e) {
            return null;
        }
    }

    private void onVideo(boolean keyframe, long timestampMs, int compositionTimeMs, DirectBuffer payload,
                         int offset, int length) {
        if (video == null) {
            return;
        }
        if (hasPendingVideo) {
            frameIntervalMs = Math.max(0, timestampMs - pendingDtsMs);
            writePendingVideo(timestampMs);
        }
        if (keyframe && (!segmentOpen || timestampMs - segmentStartMs >= config.targetDurationMs())) {
            if (segmentOpen) {
                closeSegment(timestampMs);
            }
            openSegment(true, timestampMs);
        } else if (segmentOpen && segmentVideo && partDue(timestampMs)) {
            closePart(timestampMs);
            openPart(timestampMs, keyframe);
            publish();
        }
        if (!segmentOpen || !segmentVideo) {
            return;
        }
        pendingVideo.putBytes(0, payload, offset, length);
        pendingLength = length;
        pendingDtsMs = timestampMs;
        pendingCompositionMs = compositionTimeMs;
        pendingKeyframe = keyframe;
        hasPendingVideo = true;
        lastTimestampMs = Math.max(lastTimestampMs, timestampMs);
    }

    /** Writes the held video frame (lasting until {@code nextDtsMs}) and the audio since, as one chunk. */
    private void writePendingVideo(long nextDtsMs) {
        hasPendingVideo = false;
        int durationTicks = (int) Math.max(1, (nextDtsMs - pendingDtsMs) * VIDEO_TICKS_PER_MS);
        fragment.add(VIDEO_SLOT, pendingDtsMs * VIDEO_TICKS_PER_MS, durationTicks, pendingKeyframe,
                pendingCompositionMs * VIDEO_TICKS_PER_MS, pendingVideo, 0, pendingLength);
        writeChunk();
    }

    /**
     * Whether the open part must close before a frame at {@code timestampMs}: one more frame would take it to the
     * part target (a millisecond of timestamp jitter included), which it must not exceed.
     */
    private boolean partDue(long timestampMs) {
        long elapsed = timestampMs - partStartMs;
        return elapsed > 0 && elapsed + frameIntervalMs >= config.partDurationMs();
    }

    private void onAudio(long timestampMs, DirectBuffer payload, int offset, int length) {
        if (audio == null) {
            return;
        }
        if (!segmentOpen) {
            if (video != null || awaitingVideo(timestampMs)) {
                return;
            }
            openSegment(false, timestampMs);
        } else if (!segmentVideo) {
            if (timestampMs - segmentStartMs >= config.targetDurationMs()) {
                closeSegment(timestampMs);
                openSegment(false, timestampMs);
            } else if (partDue(timestampMs)) {
                closePart(timestampMs);
                openPart(timestampMs, true);
                publish();
            }
            int rateHz = generationAudio.aacConfig().samplingFrequencyHz();
            frameIntervalMs = (AAC_FRAME_SAMPLES * 1_000L + rateHz - 1) / rateHz;
        }
        if (!segmentAudio) {
            return;
        }
        int rate = generationAudio.aacConfig().samplingFrequencyHz();
        long ticks = timestampMs * rate / 1_000;
        if (audioNextTicks != NO_TIMESTAMP && Math.abs(ticks - audioNextTicks) < AAC_FRAME_SAMPLES) {
            ticks = audioNextTicks; // a millisecond timestamp's rounding, not a gap: keep the sample clock exact
        }
        audioNextTicks = ticks + AAC_FRAME_SAMPLES;
        fragment.add(AUDIO_SLOT, ticks, AAC_FRAME_SAMPLES, true, 0, payload, offset, length);
        lastTimestampMs = Math.max(lastTimestampMs, timestampMs);
        if (!segmentVideo) {
            writeChunk();
        }
    }

    /** Whether audio before the first segment should still wait for the video's sequence header. */
    private boolean awaitingVideo(long timestampMs) {
        if (firstLoneAudioMs == NO_TIMESTAMP) {
            firstLoneAudioMs = timestampMs;
        }
        return timestampMs - firstLoneAudioMs < config.targetDurationMs();
    }

    private void writeChunk() {
        if (fragment.isEmpty() || part == null) {
            return;
        }
        chunk.reset();
        fragment.write(chunk, ++chunkSequence);
        part.append(chunk.buffer(), 0, chunk.position());
    }

    private void openSegment(boolean withVideo, long timestampMs) {
        TrackFormat v = withVideo ? video : null;
        TrackFormat a = audio;
        if (generation < 0 || !java.util.Objects.equals(v, generationVideo)
                || !java.util.Objects.equals(a, generationAudio)) {
            newGeneration(v, a);
        }
        segmentVideo = withVideo;
        segmentAudio = a != null;
        segmentOpen = true;
        segmentSequence = nextSequence++;
        segmentStartMs = timestampMs;
        segmentDiscontinuity = pendingDiscontinuity;
        pendingDiscontinuity = false;
        segmentParts.clear();
        lastTimestampMs = timestampMs;
        openPart(timestampMs, true);
        publish();
    }

    /** A new init segment for these tracks; after the first, the segment starting with it is a discontinuity. */
    private void newGeneration(TrackFormat v, TrackFormat a) {
        List<Mp4Track> tracks = new ArrayList<>(2);
        if (v != null) {
            byte[] record = v.configurationRecord();
            byte[] entry = switch (v.codec()) {
                case HEVC -> SampleEntries.hvc1(v.width(), v.height(), record);
                case AV1 -> SampleEntries.av01(v.width(), v.height(), record);
                default -> SampleEntries.avc1(v.width(), v.height(), record);
            };
            tracks.add(new Mp4Track(VIDEO_TRACK_ID, true, VIDEO_TIMESCALE, v.width(), v.height(), entry));
        }
        if (a != null) {
            AudioSpecificConfig asc = a.aacConfig();
            byte[] record = Arrays.copyOfRange(a.sequenceHeader(), a.headerLength(), a.sequenceHeader().length);
            tracks.add(new Mp4Track(AUDIO_TRACK_ID, false, asc.samplingFrequencyHz(), 0, 0,
                    SampleEntries.mp4a(asc.channelConfiguration(), asc.samplingFrequencyHz(), record)));
        }
        if (generation >= 0 && !segments.isEmpty()) {
            pendingDiscontinuity = true;
        }
        generation++;
        inits.put(generation, InitSegment.write(tracks));
        generationVideo = v;
        generationAudio = a;
        audioNextTicks = NO_TIMESTAMP;
    }

    private void openPart(long timestampMs, boolean independent) {
        part = new LlPart(segmentSequence, segmentParts.size(), independent,
                Math.max(MIN_PART_CAPACITY_BYTES, lastPartLength + lastPartLength / 2));
        partStartMs = timestampMs;
    }

    private void closePart(long endMs) {
        writeChunk();
        lastPartLength = part.length();
        part.complete(Math.max(0, endMs - partStartMs));
        segmentParts.add(part);
        part = null;
    }

    /** Publishes the open segment as ending at {@code endMs}. */
    private void closeSegment(long endMs) {
        if (hasPendingVideo) {
            writePendingVideo(Math.max(endMs, pendingDtsMs + Math.max(1, frameIntervalMs)));
        }
        closePart(endMs);
        segmentOpen = false;
        int total = 0;
        for (LlPart p : segmentParts) {
            total += p.length();
        }
        byte[] bytes = new byte[total];
        int at = 0;
        for (LlPart p : segmentParts) {
            System.arraycopy(p.bytes(), 0, bytes, at, p.length());
            at += p.length();
        }
        long durationMs = Math.max(0, endMs - segmentStartMs);
        segments.add(new LlSegment(segmentSequence, durationMs, segmentDiscontinuity, generation, segmentParts,
                bytes));
        segmentParts.clear();
        targetDurationS = Math.max(targetDurationS, (int) ((durationMs + 999) / 1000));
        while (segments.size() > config.windowSegments()) {
            discontinuitySequence += segments.remove(0).discontinuity() ? 1 : 0;
        }
        // Parts are listed and served only near the live edge; older segments keep their bytes only.
        int stale = segments.size() - LlPlaylist.SEGMENTS_WITH_PARTS - 2;
        if (stale >= 0 && !segments.get(stale).parts().isEmpty()) {
            LlSegment s = segments.get(stale);
            segments.set(stale, new LlSegment(s.sequence(), s.durationMs(), s.discontinuity(), s.initGeneration(),
                    List.of(), s.bytes()));
        }
    }

    /** Builds and publishes the window: once per part. */
    private void publish() {
        Map<Integer, byte[]> used = new HashMap<>();
        for (LlSegment s : segments) {
            used.put(s.initGeneration(), inits.get(s.initGeneration()));
        }
        used.put(generation, inits.get(generation));
        inits.keySet().retainAll(used.keySet());
        int target = Math.max(targetDurationS, (int) ((config.targetDurationMs() + 999) / 1000));
        long openSequence = segmentOpen ? segmentSequence : nextSequence;
        LlWindow draft = new LlWindow(stream.path().name(), segments, discontinuitySequence, target, openSequence,
                segmentOpen && segmentDiscontinuity, generation, segmentParts, part, used, new byte[0], new byte[0]);
        byte[] playlist = LlPlaylist.render(draft, config.partDurationMs(), "")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] alias = config.fmp4ByDefault()
                ? LlPlaylist.render(draft, config.partDurationMs(), aliasPrefix())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8) : new byte[0];
        stream.publish(new LlWindow(draft.streamName(), segments, discontinuitySequence, target, openSequence,
                draft.openDiscontinuity(), generation, segmentParts, part, used, playlist, alias));
    }

    /** From {@code /app/name.m3u8} up to {@code /llhls/app/}, where the LL-HLS URIs live. */
    private String aliasPrefix() {
        return "../" + LlNames.PATH_PREFIX + "/" + stream.path().app() + "/";
    }

    /**
     * The publisher reconnected or a codec changed: publishes the open segment, forgets the configuration and
     * flags the next segment as a discontinuity. Call it before the new publisher's first frame.
     */
    public void onDiscontinuity() {
        if (segmentOpen) {
            closeSegment(Math.max(lastTimestampMs, pendingDtsMs + frameIntervalMs));
            publish();
        }
        hasPendingVideo = false;
        video = null;
        audio = null;
        pendingDiscontinuity = !segments.isEmpty();
        firstLoneAudioMs = NO_TIMESTAMP;
    }

    /** The stream ended: the open part is abandoned, waiters are released; frames after this are ignored. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (part != null) {
            part.abandon();
        }
        stream.end();
    }
}
