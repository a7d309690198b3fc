package io.ringcast.perf.load.media;

import io.ringcast.broadcast.media.MediaFormatException;
import io.ringcast.broadcast.media.avc.AvcDecoderConfigurationRecord;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What the publisher sends, prepared once from an {@link FlvFile}: its frames in file order, H.264 frames with a
 * {@link FrameTagger} tag already inserted, and the looped timeline of each track. Immutable except for the tagged
 * bodies, whose sequence digits the publisher thread rewrites before each send.
 * <p>
 * Looping: each loop's timestamps are the file's plus {@code loop * loopDurationMs}, where the loop duration is the
 * file's span plus one video frame interval, so every track's timestamps keep increasing across loops.
 */
public final class PublishPlan {
    private static final int AVC_CONFIG_OFFSET = 5;
    private static final int TAGGABLE_NAL_LENGTH_SIZE = 4;
    private static final long DEFAULT_FRAME_INTERVAL_MS = 40;

    /** One frame to send: tag type, timestamp in the file, body, and whether the body carries our tag. */
    public record Frame(int type, long fileTimestampMs, byte[] body, boolean tagged) {
    }

    private final FlvFile file;
    private final List<Frame> frames;
    private final long loopDurationMs;
    private final MediaTimeline video;
    private final MediaTimeline audio;

    private PublishPlan(FlvFile file, List<Frame> frames, long loopDurationMs, MediaTimeline video,
                        MediaTimeline audio) {
        this.file = file;
        this.frames = frames;
        this.loopDurationMs = loopDurationMs;
        this.video = video;
        this.audio = audio;
    }

    /**
     * Prepares a file: tags its frames if it is H.264 with 4-byte NAL unit lengths (what x264 and every encoder
     * we use write), else sends video untagged (no video latency then).
     *
     * @throws IllegalArgumentException if a track's timestamps do not strictly increase
     */
    public static PublishPlan of(FlvFile file) {
        boolean taggable = isTaggable(file.videoSequenceHeader());
        List<Frame> frames = new ArrayList<>(file.frames().size());
        List<Long> videoTimestamps = new ArrayList<>();
        List<Long> audioTimestamps = new ArrayList<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (FlvFile.Tag tag : file.frames()) {
            boolean video = tag.type() == FlvFile.TYPE_VIDEO;
            boolean tagged = video && taggable;
            frames.add(new Frame(tag.type(), tag.timestampMs(), tagged ? FrameTagger.withTag(tag.body()) : tag.body(),
                    tagged));
            (video ? videoTimestamps : audioTimestamps).add(tag.timestampMs());
            first = Math.min(first, tag.timestampMs());
            last = Math.max(last, tag.timestampMs());
        }
        long loopDurationMs = last - first + frameIntervalMs(videoTimestamps.isEmpty() ? audioTimestamps
                : videoTimestamps);
        return new PublishPlan(file, List.copyOf(frames), loopDurationMs, timeline(videoTimestamps, loopDurationMs),
                timeline(audioTimestamps, loopDurationMs));
    }

    public FlvFile file() {
        return file;
    }

    /** Frames of one loop, in send order. */
    public List<Frame> frames() {
        return frames;
    }

    /** How far each loop is shifted in time. */
    public long loopDurationMs() {
        return loopDurationMs;
    }

    /** The video timeline, or null without video. */
    public MediaTimeline video() {
        return video;
    }

    /** The audio timeline, or null without audio. */
    public MediaTimeline audio() {
        return audio;
    }

    private static boolean isTaggable(FlvFile.Tag videoSequenceHeader) {
        if (videoSequenceHeader == null) {
            return false;
        }
        byte[] body = videoSequenceHeader.body();
        try {
            AvcDecoderConfigurationRecord record = AvcDecoderConfigurationRecord
                    .parse(new UnsafeBuffer(body), AVC_CONFIG_OFFSET, body.length - AVC_CONFIG_OFFSET);
            return record.nalUnitLengthSize() == TAGGABLE_NAL_LENGTH_SIZE;
        } catch (MediaFormatException e) {
            return false;
        }
    }

    private static long frameIntervalMs(List<Long> timestamps) {
        if (timestamps.size() < 2) {
            return DEFAULT_FRAME_INTERVAL_MS;
        }
        long span = timestamps.get(timestamps.size() - 1) - timestamps.get(0);
        return Math.max(1, Math.round((double) span / (timestamps.size() - 1)));
    }

    private static MediaTimeline timeline(List<Long> timestamps, long loopDurationMs) {
        if (timestamps.isEmpty()) {
            return null;
        }
        return new MediaTimeline(timestamps.stream().mapToLong(Long::longValue).toArray(), loopDurationMs);
    }
}
