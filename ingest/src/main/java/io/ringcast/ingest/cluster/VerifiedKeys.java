package io.ringcast.ingest.cluster;

import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The stream keys this node verified against Redis lately, each with its room and when it was last verified: the
 * only keys {@link RedisRoomKeys} accepts while Redis is down. Bounded: at most {@code capacity} keys, the least
 * recently verified dropped first, and a key older than {@code maxAgeNs} no longer counts. Thread-safe
 * (synchronised; used at publish time and by admin calls, never per frame).
 */
final class VerifiedKeys {
    private final long maxAgeNs;
    private final int capacity;
    private final LinkedHashMap<String, Entry> byKey;

    private record Entry(String room, long verifiedAtNs) {
    }

    VerifiedKeys(long maxAgeNs, int capacity) {
        if (maxAgeNs <= 0) {
            throw new IllegalArgumentException("max age must be positive: " + maxAgeNs + " ns");
        }
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.maxAgeNs = maxAgeNs;
        this.capacity = capacity;
        this.byKey = new LinkedHashMap<>();
    }

    /** Records that Redis just confirmed {@code key} as {@code room}'s key. */
    synchronized void verified(String key, String room, long nowNs) {
        byKey.remove(key);
        byKey.put(key, new Entry(room, nowNs));
        if (byKey.size() > capacity) {
            Iterator<String> oldest = byKey.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** The room of a key verified at most the maximum age before {@code nowNs}, else null. */
    synchronized String roomOf(String key, long nowNs) {
        Entry e = byKey.get(key);
        if (e == null) {
            return null;
        }
        if (nowNs - e.verifiedAtNs() > maxAgeNs) {
            byKey.remove(key);
            return null;
        }
        return e.room();
    }

    /** Forgets a key Redis no longer confirms. */
    synchronized void forget(String key) {
        byKey.remove(key);
    }

    /** Forgets every key of a room whose key was reset or deleted through this node. */
    synchronized void forgetRoom(String room) {
        byKey.values().removeIf(e -> e.room().equals(room));
    }

    long maxAgeNs() {
        return maxAgeNs;
    }

    /** How many keys are held (expired ones included until looked up or pushed out). */
    synchronized int size() {
        return byKey.size();
    }
}
