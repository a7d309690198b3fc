package io.ringcast.ingest.relay;

import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.broadcast.time.NanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The production pool and timer: deadlines are checked against the injected clock, not the timer's own. */
@Timeout(10)
class PoolRelayTasksTest {
    private final ManualClock clock = new ManualClock(0);
    private final AtomicInteger clockReads = new AtomicInteger();
    private final NanoClock counted = () -> {
        clockReads.incrementAndGet();
        return clock.nanoTime();
    };
    private final PoolRelayTasks tasks = new PoolRelayTasks(counted, 2);

    @AfterEach
    void tearDown() {
        tasks.close();
    }

    @Test
    void shouldRunATimerOnlyOnceTheInjectedClockReachedItsDeadline() {
        AtomicInteger ran = new AtomicInteger();
        tasks.schedule(TimeUnit.MILLISECONDS.toNanos(5), ran::incrementAndGet);
        int scheduled = clockReads.get();
        Await.until("the timer looked at the clock twice", Duration.ofSeconds(5),
                () -> clockReads.get() >= scheduled + 2);
        assertEquals(0, ran.get(), "the manual clock stands before the deadline: nothing ran");
        clock.advance(Duration.ofMillis(5));
        Await.until("the timer runs once the clock reached its deadline", Duration.ofSeconds(5),
                () -> ran.get() == 1);
    }

    @Test
    void shouldRunPastDeadlinesAtOnceAndNotRunCancelledOnes() {
        AtomicInteger ran = new AtomicInteger();
        Runnable cancel = tasks.schedule(TimeUnit.MILLISECONDS.toNanos(20), () -> ran.addAndGet(100));
        cancel.run();
        tasks.schedule(TimeUnit.MILLISECONDS.toNanos(40), ran::incrementAndGet);
        clock.advance(Duration.ofMillis(40));
        Await.until("the later timer ran", Duration.ofSeconds(5), () -> ran.get() > 0);
        assertEquals(1, ran.get(), "the cancelled, earlier timer never ran");
        tasks.schedule(-1, ran::incrementAndGet);
        tasks.execute(ran::incrementAndGet);
        Await.until("a past deadline and a pool task run at once", Duration.ofSeconds(5), () -> ran.get() == 3);
    }
}
