package io.ringcast.ingest.upstream;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One daemon thread for every push of the process: every {@link #RETRY_MS} it lets each blocked {@link RtmpPushSink}
 * ask its subscription for a pump, so bytes a target refused go out even while the stream publishes nothing new (a
 * blocked subscription is otherwise retried only per published frame). Parks while no push exists. Sinks register
 * and unregister from any thread.
 */
final class PushRetryTimer {
    /** How long refused bytes may wait for a retry when no frame arrives meanwhile. */
    static final long RETRY_MS = 20;
    private static final long RETRY_NS = TimeUnit.MILLISECONDS.toNanos(RETRY_MS);
    private static final Set<RtmpPushSink> SINKS = ConcurrentHashMap.newKeySet();
    private static Thread thread;

    private PushRetryTimer() {
    }

    static void register(RtmpPushSink sink) {
        SINKS.add(sink);
        LockSupport.unpark(started());
    }

    static void unregister(RtmpPushSink sink) {
        SINKS.remove(sink);
    }

    private static synchronized Thread started() {
        if (thread == null) {
            thread = new Thread(PushRetryTimer::run, "ringcast-push-retry");
            thread.setDaemon(true);
            thread.start();
        }
        return thread;
    }

    private static void run() {
        while (true) {
            if (SINKS.isEmpty()) {
                LockSupport.park(PushRetryTimer.class);
                continue;
            }
            LockSupport.parkNanos(PushRetryTimer.class, RETRY_NS);
            for (RtmpPushSink sink : SINKS) {
                sink.retryIfBlocked();
            }
        }
    }
}
