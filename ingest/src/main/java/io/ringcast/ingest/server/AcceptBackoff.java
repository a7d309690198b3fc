package io.ringcast.ingest.server;

import io.ringcast.broadcast.time.NanoClock;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * How the RTMP acceptor rides out failing accepts, above all for want of file descriptors (EMFILE for the process,
 * ENFILE for the system): the pending connection stays in the listen backlog, so the listener stays ready and an
 * acceptor that retried at once would spin a core and write a log line per try. Instead it pauses, 100 ms at first
 * and doubling to 1 s while the failures go on, and says so once per {@link #LOG_INTERVAL_NS} with the count.
 * Acceptor thread only; time from the injected clock.
 */
final class AcceptBackoff {
    static final long MIN_PAUSE_MS = 100;
    static final long MAX_PAUSE_MS = 1_000;
    static final long LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    /** strerror(EMFILE) "Too many open files" and strerror(ENFILE) "Too many open files in system". */
    private static final String FD_EXHAUSTED_MESSAGE = "Too many open files";

    private final NanoClock clock;
    /** Pause after the last failure; 0 while accepts succeed. */
    private long pauseMs;
    private long failures;
    private long failuresSinceLog;
    private long firstFailureNs;
    private long lastLogNs;

    AcceptBackoff(NanoClock clock) {
        this.clock = clock;
    }

    /** Whether an accept failed because no file descriptor was left, in the process or the system. */
    static boolean isFdExhausted(IOException e) {
        String message = e.getMessage();
        return message != null && message.contains(FD_EXHAUSTED_MESSAGE);
    }

    /**
     * An accept failed: returns how long to pause before the next, 100 ms doubling to 1 s.
     */
    long onFailure() {
        long now = clock.nanoTime();
        if (failures == 0) {
            firstFailureNs = now;
        }
        failures++;
        failuresSinceLog++;
        pauseMs = pauseMs == 0 ? MIN_PAUSE_MS : Math.min(MAX_PAUSE_MS, pauseMs * 2);
        return pauseMs;
    }

    /**
     * After {@link #onFailure}: how many failures a log line should report now, or 0 when no line is due. A line is
     * due at the first failure in a row, then at most once per {@link #LOG_INTERVAL_NS}.
     */
    long failuresToLog() {
        long now = clock.nanoTime();
        if (failures != 1 && now - lastLogNs < LOG_INTERVAL_NS) {
            return 0;
        }
        lastLogNs = now;
        long count = failuresSinceLog;
        failuresSinceLog = 0;
        return count;
    }

    /** An accept succeeded: returns how many failed before it in a row (0 if none), and accepts at full speed. */
    long onAccepted() {
        long failed = failures;
        pauseMs = 0;
        failures = 0;
        failuresSinceLog = 0;
        return failed;
    }

    /** Milliseconds since the first of the failures in a row. */
    long failingForMs() {
        return TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - firstFailureNs);
    }
}
