package io.ringcast.perf.load.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MediaTimelineTest {
    private final MediaTimeline timeline = new MediaTimeline(new long[] {23, 56, 90}, 100);

    @Test
    void shouldShiftEachLoopByTheLoopDuration() {
        assertEquals(23, timeline.timestampMs(0));
        assertEquals(90, timeline.timestampMs(2));
        assertEquals(123, timeline.timestampMs(3));
        assertEquals(100_056, timeline.timestampMs(3001));
    }

    @Test
    void shouldMapEveryPublishedTimestampBackToItsIndex() {
        for (long index = 0; index < 1000; index++) {
            assertEquals(index, timeline.indexOf(timeline.timestampMs(index)));
        }
        assertEquals(MediaTimeline.NO_FRAME, timeline.indexOf(57));
        assertEquals(MediaTimeline.NO_FRAME, timeline.indexOf(95), "between loops");
        assertEquals(MediaTimeline.NO_FRAME, timeline.indexOf(10), "before the first frame");
    }

    @Test
    void shouldRefuseTimelinesThatCannotBeInverted() {
        assertThrows(IllegalArgumentException.class, () -> new MediaTimeline(new long[] {1, 1}, 100));
        assertThrows(IllegalArgumentException.class, () -> new MediaTimeline(new long[] {0, 100}, 100));
        assertThrows(IllegalArgumentException.class, () -> new MediaTimeline(new long[0], 100));
    }

    @Test
    void shouldLoopAFilePlanSoThatEveryTrackKeepsIncreasing() throws Exception {
        FlvFile file = FlvFile.parse(FlvBytes.shortFile(), "plan.flv");

        PublishPlan plan = PublishPlan.of(file);

        assertEquals(90 + 34, plan.loopDurationMs(), "span plus one video frame interval");
        assertEquals(plan.loopDurationMs() + 23, plan.video().timestampMs(3));
        assertEquals(plan.loopDurationMs(), plan.audio().timestampMs(3));
        assertEquals(FrameTagger.TAG_BYTES + FlvBytes.avcFrame(true, 50).length,
                plan.frames().get(1).body().length, "video frames carry the tag");
        assertEquals(true, plan.frames().get(1).tagged());
        assertEquals(false, plan.frames().get(0).tagged());
    }
}
