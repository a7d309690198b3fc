package io.ringcast.web;

import io.ringcast.broadcast.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The write-timeout decision, stepped with a manual clock. */
@Timeout(10)
class WriteStallTest {
    private static final long TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(1_000);
    private final ManualClock clock = new ManualClock(0);
    private final WriteStall stall = new WriteStall(TIMEOUT_NS, clock);

    @Test
    void shouldStallOnlyAfterTheWholeTimeoutWithoutAByteTaken() {
        stall.wrote(0, true);
        clock.advance(Duration.ofMillis(999));
        assertFalse(stall.hasStalled());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1), stall.remainingNs());
        clock.advance(Duration.ofMillis(1));
        assertTrue(stall.hasStalled());
    }

    @Test
    void shouldRestartTheWaitOnEveryWriteThatTakesSomeBytes() {
        stall.wrote(0, true);
        clock.advance(Duration.ofMillis(900));
        stall.wrote(10, true);
        clock.advance(Duration.ofMillis(900));
        assertFalse(stall.hasStalled(), "slow progress is not a stall");
        stall.wrote(0, true);
        clock.advance(Duration.ofMillis(100));
        assertTrue(stall.hasStalled(), "writes that take nothing do not restart the wait");
    }

    @Test
    void shouldNotWaitOnceAWriteTookEverything() {
        stall.wrote(0, true);
        clock.advance(Duration.ofMillis(900));
        stall.wrote(100, false);
        clock.advance(Duration.ofSeconds(60));
        assertFalse(stall.isWaiting());
        assertFalse(stall.hasStalled(), "a connection with nothing to write is idle, not stalled");
        assertEquals(TIMEOUT_NS, stall.remainingNs());
    }

    @Test
    void shouldKeepTheFirstStartWhenTheWriterAsksAgainAndForgetItWhenItStopsAsking() {
        stall.waiting();
        clock.advance(Duration.ofMillis(600));
        stall.waiting();
        clock.advance(Duration.ofMillis(400));
        assertTrue(stall.hasStalled(), "asking again to be told when writable is no progress");
        stall.notWaiting();
        assertFalse(stall.hasStalled());
        stall.waiting();
        clock.advance(Duration.ofMillis(999));
        assertFalse(stall.hasStalled());
    }

    @Test
    void shouldRefuseATimeoutThatIsNotPositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WriteStall(0, clock));
        assertTrue(e.getMessage().contains("0 ns"), e.getMessage());
    }
}
