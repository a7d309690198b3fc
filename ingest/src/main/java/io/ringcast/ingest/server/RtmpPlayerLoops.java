package io.ringcast.ingest.server;

import io.ringcast.broadcast.ServerCounters;
import io.ringcast.broadcast.time.NanoClock;

import java.io.IOException;

/**
 * The shared player I/O threads ({@link PlayerLoop}); spreads adopted viewers over them, fewest-first.
 * Thread-safe.
 */
final class RtmpPlayerLoops implements AutoCloseable {
    /** Prefix of the loop threads' names. */
    static final String THREAD_NAME_PREFIX = "rtmp-player-";
    private static final long STOP_TIMEOUT_MS = 2_000;

    private final PlayerLoop[] loops;

    /**
     * @param threads     number of loops, 1 to 256
     * @param maxSessions most connections one loop may serve
     * @param counters    where the loops count the connections they close for a limit
     */
    RtmpPlayerLoops(int threads, int maxSessions, NanoClock clock, ServerCounters counters) throws IOException {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("player loop threads must be 1..256: " + threads);
        }
        loops = new PlayerLoop[threads];
        for (int i = 0; i < threads; i++) {
            loops[i] = new PlayerLoop(THREAD_NAME_PREFIX + i, clock, maxSessions, counters);
        }
    }

    void start() {
        for (PlayerLoop loop : loops) {
            loop.start();
        }
    }

    /** Hands a connection to the least loaded loop; false when it cannot be taken (stopping). */
    boolean adopt(PlayerSession session) {
        PlayerLoop best = loops[0];
        for (PlayerLoop loop : loops) {
            if (loop.sessionCount() < best.sessionCount()) {
                best = loop;
            }
        }
        return best.adopt(session);
    }

    /** Playing connections served now. */
    int sessionCount() {
        int count = 0;
        for (PlayerLoop loop : loops) {
            count += loop.sessionCount();
        }
        return count;
    }

    @Override
    public void close() {
        for (PlayerLoop loop : loops) {
            loop.stop(STOP_TIMEOUT_MS);
        }
    }
}
