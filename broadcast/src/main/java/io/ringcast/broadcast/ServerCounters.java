package io.ringcast.broadcast;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Named server-wide event counters (refusals by limit, connections closed by reason), incremented by protocols and
 * shown by the stats API, and each listener's open connections, read when asked. Thread-safe; look a counter up
 * once (cold path) and keep the {@link AtomicLong}.
 */
public final class ServerCounters {
    private final ConcurrentMap<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, IntSupplier> openConnections = new ConcurrentHashMap<>();

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

    /**
     * A listener's open connections, read at each {@link #openConnections()}; replaces an earlier one of the same
     * protocol ("rtmp", "http").
     */
    public void countOpenConnections(String protocol, IntSupplier open) {
        openConnections.put(protocol, open);
    }

    /** The listener stopped: its connections are no longer counted. */
    public void stopCountingOpenConnections(String protocol, IntSupplier open) {
        openConnections.remove(protocol, open);
    }

    /** Open connections by protocol, sorted, of the listeners running now. */
    public Map<String, Integer> openConnections() {
        Map<String, Integer> values = new TreeMap<>();
        openConnections.forEach((protocol, open) -> values.put(protocol, open.getAsInt()));
        return values;
    }
}
