package io.ringcast.perf.load.report;

import io.ringcast.perf.load.viewer.FrameTracker;
import java.util.List;
import java.util.function.ToLongFunction;

/** The frame counts of a group of viewers, summed over their {@link FrameTracker}s. Immutable. */
public record FrameCounts(long video, long audio, long videoInWindow, long audioInWindow, long missedVideo,
                          long missedAudio, long keyframeJumps, long untaggedVideo, long unmatchedAudio,
                          long outOfOrder, long sendTimeRaces) {
    /** Sums the trackers; call after their threads ended. */
    public static FrameCounts of(List<FrameTracker> trackers) {
        return new FrameCounts(sum(trackers, FrameTracker::videoFrames), sum(trackers, FrameTracker::audioFrames),
                sum(trackers, FrameTracker::videoFramesInWindow), sum(trackers, FrameTracker::audioFramesInWindow),
                sum(trackers, FrameTracker::missedVideo), sum(trackers, FrameTracker::missedAudio),
                sum(trackers, FrameTracker::keyframeJumps), sum(trackers, FrameTracker::untaggedVideo),
                sum(trackers, FrameTracker::unmatchedAudio), sum(trackers, FrameTracker::outOfOrder),
                sum(trackers, FrameTracker::sendTimeRaces));
    }

    private static long sum(List<FrameTracker> trackers, ToLongFunction<FrameTracker> count) {
        return trackers.stream().mapToLong(count).sum();
    }
}
