package io.ringcast.ingest.server;

import io.ringcast.broadcast.ServerCounters;
import io.ringcast.broadcast.testing.LiveThreads;
import io.ringcast.broadcast.time.NanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A player loop without connections waits in select until woken: an idle server's RTMP player threads make no
 * wake-ups (with its 100 ms sweep tick it would turn about five times in the half second watched here). Stopping
 * wakes it. That the first viewer after the sleep is adopted and served, every RTMP play test shows.
 */
@Timeout(10)
class PlayerLoopIdleTest {
    @Test
    void shouldNotTurnWhileItHasNoConnection() throws Exception {
        String name = "idle-player-" + System.nanoTime();
        PlayerLoop loop = new PlayerLoop(name, NanoClock.SYSTEM, 8, new ServerCounters());
        loop.start();
        Thread thread = LiveThreads.named(name);

        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        assertEquals(0, loop.passes(), "turns of an idle loop in 500 ms");

        loop.stop(2_000);
        assertFalse(thread.isAlive(), "stop wakes the idle loop and it ends");
    }
}
