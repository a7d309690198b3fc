package io.ringcast.broadcast.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A wall clock (UTC) that moves only when told to, for the engine's {@link io.ringcast.broadcast.Engine#wallClock()}
 * in tests of expiry rules (tokens, signed URLs). Thread-safe.
 */
public final class ManualWallClock extends Clock {
    private volatile Instant now;

    public ManualWallClock(Instant start) {
        this.now = start;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a manual wall clock is UTC only");
    }

    @Override
    public Instant instant() {
        return now;
    }

    /** Moves time by {@code step} (either way: wall clocks can be set back); returns the new time. */
    public synchronized Instant advance(Duration step) {
        now = now.plus(step);
        return now;
    }
}
