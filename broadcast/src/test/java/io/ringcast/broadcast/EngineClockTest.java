package io.ringcast.broadcast;

import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.broadcast.time.ManualWallClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The engine hands its injected clocks to everything it runs: the latency intervals carry wall-clock times from
 * the wall clock, and the stream timers run on the monotonic clock. The engine is not started; the test calls the
 * housekeeping work itself.
 */
@Timeout(10)
class EngineClockTest {
    private static final Instant START = Instant.parse("2026-12-03T12:00:00Z");

    private final ManualClock clock = new ManualClock(5_000_000_000L);
    private final ManualWallClock wallClock = new ManualWallClock(START);
    private final Engine engine = new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, LimitsConfig.DEFAULTS, clock,
            wallClock, 1);

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void shouldStampLatencyIntervalsWithTheEngineWallClock() {
        StreamPublisher publisher = engine.streams().publish(StreamPath.parse("live/x"),
                new PublisherInfo("test", "127.0.0.1:1", 0), false);
        publisher.stream().latency("test").record(1_000_000);
        List<Histogram> intervals = new ArrayList<>();
        engine.addLatencyListener((stream, protocol, interval) -> intervals.add(kept(interval)));

        wallClock.advance(Duration.ofSeconds(1));
        engine.sampleLatency();
        wallClock.advance(Duration.ofMillis(1_500));
        engine.sampleLatency();

        assertEquals(2, intervals.size());
        assertEquals(START.toEpochMilli(), intervals.get(0).getStartTimeStamp(), "from the engine's creation");
        assertEquals(START.toEpochMilli() + 1_000, intervals.get(0).getEndTimeStamp());
        assertEquals(1, intervals.get(0).getTotalCount());
        assertEquals(START.toEpochMilli() + 1_000, intervals.get(1).getStartTimeStamp(), "intervals adjoin");
        assertEquals(START.toEpochMilli() + 2_500, intervals.get(1).getEndTimeStamp());
        assertEquals(0, intervals.get(1).getTotalCount());
    }

    /** What a listener keeps of an interval: a copy (the engine reuses the histogram it hands over). */
    private static Histogram kept(Histogram interval) {
        Histogram copy = interval.copy();
        copy.setStartTimeStamp(interval.getStartTimeStamp());
        copy.setEndTimeStamp(interval.getEndTimeStamp());
        return copy;
    }

    @Test
    void shouldRunStreamTimersOnTheEngineClock() {
        StreamPath path = StreamPath.parse("live/gone");
        StreamPublisher publisher = engine.streams().publish(path, new PublisherInfo("test", "127.0.0.1:1", 0),
                false);
        assertSame(clock, publisher.stream().clock(), "frames, timers and latency on the engine's clock");
        TrackRing ring = publisher.track(TrackKind.VIDEO);
        publisher.publish(TrackKind.VIDEO, ring.reserve(10), 10, 5, Codec.AVC, true, false, 0, 0, clock.nanoTime());
        publisher.close();
        clock.advance(EngineConfig.DEFAULTS.publishTimeout().minusMillis(1));
        engine.streams().pollTimers();
        assertNotNull(engine.streams().find(path), "waits PublishTimeout for its publisher");
        clock.advance(Duration.ofMillis(1));
        engine.streams().pollTimers();
        assertNull(engine.streams().find(path), "closed when PublishTimeout passed on the engine clock");
    }
}
