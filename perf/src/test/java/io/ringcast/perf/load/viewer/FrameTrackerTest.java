package io.ringcast.perf.load.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.perf.load.media.FlvBytes;
import io.ringcast.perf.load.media.FlvFile;
import io.ringcast.perf.load.media.FrameTagger;
import io.ringcast.perf.load.media.PublishPlan;
import io.ringcast.perf.load.media.SentFrames;
import java.util.Arrays;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Frame accounting with injected receive times: identification by tag and by timestamp offset, latency, gaps, and
 * the window.
 */
@Timeout(10)
class FrameTrackerTest {
    /** Published video timestamps 23, 56, 90 and audio 0, 23, 46, looped every 124 ms. */
    private SentFrames sent;
    private final ViewerGroup group = new ViewerGroup(Protocol.RTMP, ViewerMode.HEALTHY, 1);
    private final RunWindow window = new RunWindow();
    private FrameTracker tracker;
    /** The server shifted this viewer's timestamps, as nginx-rtmp may: received = published - 100 (mod 2^32). */
    private static final long SHIFT_MS = -100;

    @BeforeEach
    void setUp() throws Exception {
        sent = new SentFrames(PublishPlan.of(FlvFile.parse(FlvBytes.shortFile(), "t.flv")));
        tracker = new FrameTracker(group, window, sent);
        window.start(1_000);
        window.end(1_000_000);
        tracker.requestSent(0);
    }

    @Test
    void shouldMeasureLatencyOfTaggedVideoAndOfAudioMatchedThroughTheVideoOffset() {
        sent.video().record(3, 200_000);
        sent.audio().record(4, 250_000);

        video(false, 2, 150_000);
        assertFalse(tracker.hasFirstKeyframe(), "an inter frame is no start");
        video(true, 3, 300_000);
        audio(4, 310_000);

        assertTrue(tracker.hasFirstKeyframe());
        assertEquals(300_000, tracker.firstKeyframeNs());
        Histogram latency = group.sampleInterval();
        assertEquals(2, latency.getTotalCount());
        assertEquals(100_000.0, (double) group.videoTotalNs().getMaxValue(), 100.0, "within the histogram's 3 digits");
        assertEquals(60_000.0, (double) group.audioTotalNs().getMaxValue(), 60.0);
        assertEquals(2, tracker.videoFrames());
        assertEquals(1, tracker.audioFrames());
        assertEquals(0, tracker.unmatchedAudio());
    }

    @Test
    void shouldCountGapsAfterTheFirstKeyframeAsMissedFrames() {
        video(true, 3, 2_000);
        audio(4, 2_000);
        video(false, 6, 3_000);
        audio(5, 3_000);
        audio(9, 3_000);
        video(false, 7, 4_000);
        video(false, 7, 4_000);

        assertEquals(2, tracker.missedVideo());
        assertEquals(1, tracker.keyframeJumps());
        assertEquals(3, tracker.missedAudio());
        assertEquals(1, tracker.outOfOrder(), "the repeated frame");
        assertEquals(7, group.sampleInterval().getTotalCount(), "every frame recorded");
        assertEquals(7, tracker.sendTimeRaces(), "no send time was noted: all count as races, latency 0");
    }

    @Test
    void shouldCountNeitherLatencyNorGapsOutsideTheWindow() {
        video(true, 3, 500);
        video(false, 6, 900);
        video(false, 9, 2_000_000);
        audio(4, 2_000_000);

        assertEquals(0, tracker.missedVideo());
        assertEquals(0, tracker.videoFramesInWindow());
        assertEquals(0, group.sampleInterval().getTotalCount());
        assertEquals(3, tracker.videoFrames());
        assertEquals(1, tracker.audioFrames());
    }

    @Test
    void shouldNoteAudioThatMatchesNoPublishedFrame() {
        video(true, 3, 2_000);
        tracker.onAudio(shifted(sent.audioTimeline().timestampMs(4) + 1), new UnsafeBuffer(FlvBytes.aacFrame(2)), 4,
                2_100);
        assertEquals(1, tracker.unmatchedAudio());
    }

    private void video(boolean keyframe, long sequence, long receivedNs) {
        byte[] body = FrameTagger.withTag(FlvBytes.avcFrame(keyframe, 50));
        FrameTagger.writeSequence(body, sequence);
        byte[] prefix = Arrays.copyOf(body, FrameTagger.PREFIX_BYTES);
        tracker.onVideo(shifted(sent.videoTimeline().timestampMs(sequence)), new UnsafeBuffer(prefix), prefix.length,
                receivedNs);
    }

    private void audio(long index, long receivedNs) {
        byte[] prefix = FlvBytes.aacFrame(2);
        tracker.onAudio(shifted(sent.audioTimeline().timestampMs(index)), new UnsafeBuffer(prefix), prefix.length,
                receivedNs);
    }

    private static long shifted(long publishedMs) {
        return (publishedMs + SHIFT_MS) & 0xFFFF_FFFFL;
    }
}
