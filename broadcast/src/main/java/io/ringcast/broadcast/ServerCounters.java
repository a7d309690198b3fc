package io.ringcast.broadcast;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Named server-wide event counters (refusals by limit, connections closed by reason), incremented by protocols and
 * shown by the stats API. Thread-safe; look a counter up once (cold path) and keep the {@link AtomicLong}.
 */
public final class ServerCounters {
    private final ConcurrentMap<String, AtomicLong> counters = new ConcurrentHashMap<>();

    /** The counter of that name, created at 0 on first use; names read like "rtmp.refused.max_connections". */
    public AtomicLong counter(String name) {
        return counters.computeIfAbsent(name, n -> new AtomicLong());
    }

    /** A sorted snapshot of every counter. */
    public Map<String, Long> snapshot() {
        Map<String, Long> values = new TreeMap<>();
        counters.forEach((name, value) -> values.put(name, value.get()));
        return values;
    }
}
