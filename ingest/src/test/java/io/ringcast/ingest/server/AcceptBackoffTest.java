package io.ringcast.ingest.server;

import io.ringcast.broadcast.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The acceptor's pauses after failed accepts and its log rate, stepped with a manual clock. */
@Timeout(10)
class AcceptBackoffTest {
    private final ManualClock clock = new ManualClock(0);
    private final AcceptBackoff backoff = new AcceptBackoff(clock);

    @Test
    void shouldPauseFrom100MsDoublingTo1SecondWhileAcceptsFailAndResetOnceOneSucceeds() {
        long[] pauses = new long[6];
        for (int i = 0; i < pauses.length; i++) {
            pauses[i] = backoff.onFailure();
            clock.advance(Duration.ofMillis(pauses[i]));
        }
        assertEquals("[100, 200, 400, 800, 1000, 1000]", java.util.Arrays.toString(pauses));
        assertEquals(6, backoff.onAccepted(), "the accept after 6 failures");
        assertEquals(0, backoff.onAccepted());
        assertEquals(AcceptBackoff.MIN_PAUSE_MS, backoff.onFailure(), "a new run of failures starts short again");
    }

    @Test
    void shouldLogTheFirstFailureThenOncePerIntervalWithTheCount() {
        backoff.onFailure();
        assertEquals(1, backoff.failuresToLog(), "the first failure is logged at once");
        int failures = 0;
        long logged = 0;
        for (int i = 0; i < 9; i++) { // 9 s of failures, one a second
            clock.advance(Duration.ofSeconds(1));
            backoff.onFailure();
            failures++;
            logged += backoff.failuresToLog();
        }
        assertEquals(0, logged, "nothing more within the interval");
        clock.advance(Duration.ofSeconds(1));
        backoff.onFailure();
        assertEquals(failures + 1, backoff.failuresToLog(), "then one line counting every failure since");
        assertEquals(0, backoff.failuresToLog(), "and not again at once");
    }

    @Test
    void shouldTellDescriptorExhaustionFromOtherAcceptFailures() {
        assertTrue(AcceptBackoff.isFdExhausted(new IOException("Too many open files")));
        assertTrue(AcceptBackoff.isFdExhausted(new IOException("Too many open files in system")));
        assertFalse(AcceptBackoff.isFdExhausted(new IOException("Software caused connection abort")));
        assertFalse(AcceptBackoff.isFdExhausted(new IOException()));
    }
}
