package io.ringcast.perf.load.viewer;

import io.ringcast.perf.load.media.FrameTagger;
import io.ringcast.perf.load.media.MediaTimeline;
import io.ringcast.perf.load.media.SendTimes;
import io.ringcast.perf.load.media.SentFrames;
import org.agrona.DirectBuffer;

/**
 * Identifies each frame one viewer receives and accounts for it; owned by the viewer's loop thread, read by the
 * coordinating thread after that thread ended. Allocation-free.
 * <ul>
 *   <li>Video frames carry their sequence number ({@link FrameTagger}); audio frames are matched by timestamp: the
 *   viewer learns the offset between received and published timestamps from its tagged video frames (servers such as
 *   nginx-rtmp restart timestamps per viewer) and looks the audio frame up in the publisher's timeline.</li>
 *   <li>Latency is receive time minus the publisher's send time of that frame, recorded in the group's recorders
 *   inside the {@link RunWindow} (not for late joiners: their first frames are the server's catch-up burst).</li>
 *   <li>Missed frames are gaps in a track's frame index after the first keyframe, counted inside the window; each
 *   video gap is a keyframe jump (servers skip a lagging viewer to a keyframe).</li>
 * </ul>
 * Without a publisher in this process ({@code sent == null}) only counts and the first keyframe are kept.
 */
public final class FrameTracker {
    /** Time stamps not reached yet. */
    public static final long NOT_YET = Long.MIN_VALUE;

    private static final int FRAME_TYPE_SHIFT = 4;
    private static final int FRAME_TYPE_KEY = 1;
    private static final int SOUND_FORMAT_AAC = 10;
    private static final int PACKET_TYPE_SEQUENCE_HEADER = 0;
    private static final long UINT32_MASK = 0xFFFF_FFFFL;

    private final ViewerGroup group;
    private final RunWindow window;
    private final SentFrames sent;
    private final boolean recordsLatency;

    private long requestSentNs = NOT_YET;
    private long firstKeyframeNs = NOT_YET;
    private boolean offsetKnown;
    private long timestampOffsetMs;
    private long lastVideoSequence = -1;
    private long lastAudioIndex = -1;

    private long videoFrames;
    private long audioFrames;
    private long videoFramesInWindow;
    private long audioFramesInWindow;
    private long missedVideo;
    private long missedAudio;
    private long keyframeJumps;
    private long untaggedVideo;
    private long unmatchedAudio;
    private long outOfOrder;
    private long sendTimeRaces;

    /** @param sent the publisher's frames, or null when another process publishes */
    public FrameTracker(ViewerGroup group, RunWindow window, SentFrames sent) {
        this.group = group;
        this.window = window;
        this.sent = sent;
        this.recordsLatency = group.mode() != ViewerMode.LATE_JOIN;
    }

    /** The request (HTTP GET, RTMP play) is written: first-keyframe time counts from here. */
    public void requestSent(long nowNs) {
        requestSentNs = nowNs;
    }

    /**
     * A complete video tag body arrived.
     *
     * @param prefix the body's first {@code prefixLength} bytes from index 0
     */
    public void onVideo(long timestampMs, DirectBuffer prefix, int prefixLength, long receivedNs) {
        if (prefixLength < 2 || prefix.getByte(1) == PACKET_TYPE_SEQUENCE_HEADER) {
            return;
        }
        videoFrames++;
        if (firstKeyframeNs == NOT_YET) {
            if ((prefix.getByte(0) & 0xFF) >>> FRAME_TYPE_SHIFT != FRAME_TYPE_KEY) {
                return;
            }
            firstKeyframeNs = receivedNs;
        }
        boolean inWindow = window.contains(receivedNs);
        if (inWindow) {
            videoFramesInWindow++;
        }
        long sequence = FrameTagger.readSequence(prefix, 0, prefixLength);
        if (sequence == FrameTagger.NO_SEQUENCE || sent == null) {
            untaggedVideo++;
            return;
        }
        timestampOffsetMs = (timestampMs - sent.videoTimeline().timestampMs(sequence)) & UINT32_MASK;
        offsetKnown = true;
        lastVideoSequence = accountIndex(sequence, lastVideoSequence, inWindow, true);
        if (inWindow && recordsLatency) {
            group.recordVideoLatency(latencyNs(sent.video(), sequence, receivedNs));
        }
    }

    /** A complete audio tag body arrived. */
    public void onAudio(long timestampMs, DirectBuffer prefix, int prefixLength, long receivedNs) {
        if (prefixLength >= 2 && (prefix.getByte(0) & 0xFF) >>> FRAME_TYPE_SHIFT == SOUND_FORMAT_AAC
                && prefix.getByte(1) == PACKET_TYPE_SEQUENCE_HEADER) {
            return;
        }
        audioFrames++;
        if (firstKeyframeNs == NOT_YET) {
            return;
        }
        boolean inWindow = window.contains(receivedNs);
        if (inWindow) {
            audioFramesInWindow++;
        }
        if (!offsetKnown || sent.audioTimeline() == null) {
            return;
        }
        MediaTimeline timeline = sent.audioTimeline();
        long index = timeline.indexOf((timestampMs - timestampOffsetMs) & UINT32_MASK);
        if (index == MediaTimeline.NO_FRAME) {
            unmatchedAudio++;
            return;
        }
        lastAudioIndex = accountIndex(index, lastAudioIndex, inWindow, false);
        if (inWindow && recordsLatency) {
            group.recordAudioLatency(latencyNs(sent.audio(), index, receivedNs));
        }
    }

    private long accountIndex(long index, long last, boolean inWindow, boolean video) {
        if (last < 0) {
            return index;
        }
        if (index <= last) {
            outOfOrder++;
            return last;
        }
        long missed = index - last - 1;
        if (missed > 0 && inWindow) {
            if (video) {
                missedVideo += missed;
                keyframeJumps++;
            } else {
                missedAudio += missed;
            }
        }
        return index;
    }

    /** A frame read before the publisher thread noted its send time counts as 0 (and as a race). */
    private long latencyNs(SendTimes sendTimes, long index, long receivedNs) {
        long sendNs = sendTimes.sendNs(index);
        if (sendNs == SendTimes.UNKNOWN || sendNs > receivedNs) {
            sendTimeRaces++;
            return 0;
        }
        return receivedNs - sendNs;
    }

    public long requestSentNs() {
        return requestSentNs;
    }

    /** When the first keyframe had fully arrived, or {@link #NOT_YET}. */
    public long firstKeyframeNs() {
        return firstKeyframeNs;
    }

    public boolean hasFirstKeyframe() {
        return firstKeyframeNs != NOT_YET;
    }

    /** Video frames received (sequence headers excluded), also before the first keyframe and outside the window. */
    public long videoFrames() {
        return videoFrames;
    }

    public long audioFrames() {
        return audioFrames;
    }

    public long videoFramesInWindow() {
        return videoFramesInWindow;
    }

    public long audioFramesInWindow() {
        return audioFramesInWindow;
    }

    public long missedVideo() {
        return missedVideo;
    }

    public long missedAudio() {
        return missedAudio;
    }

    /** Gaps in the video sequence: how often the server made this viewer skip ahead. */
    public long keyframeJumps() {
        return keyframeJumps;
    }

    /** Video frames without our tag (another publisher, or a non-H.264 file). */
    public long untaggedVideo() {
        return untaggedVideo;
    }

    /** Audio frames whose timestamp matched no published frame. */
    public long unmatchedAudio() {
        return unmatchedAudio;
    }

    /** Frames whose index was not above the last one of their track (duplicates or reordering). */
    public long outOfOrder() {
        return outOfOrder;
    }

    /** Frames read before the publisher thread had noted their send time; counted as latency 0. */
    public long sendTimeRaces() {
        return sendTimeRaces;
    }
}
