package io.ringcast.ingest.cluster;

import io.ringcast.broadcast.stream.StreamPath;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The streams published on this node that the directory must name it for: per path the admitted publishes not yet
 * released (several overlap while a publisher takes over a stale one), whether the directory entry is ours
 * (claimed) or still to be written (pending, Redis was down), and the node that took the name meanwhile (conflict).
 * Thread-safe (this object's monitor; nothing blocks under it).
 */
final class LocalPublishes {
    private static final class Entry {
        int holds;
        boolean claimed;
        String conflictNode;
    }

    private final Map<StreamPath, Entry> entries = new HashMap<>();

    /** One more admitted publish of {@code path}; {@code claimed}: its directory entry is ours now. */
    synchronized void admitted(StreamPath path, boolean claimed) {
        Entry e = entries.computeIfAbsent(path, p -> new Entry());
        e.holds++;
        if (claimed) {
            e.claimed = true;
            e.conflictNode = null;
        }
    }

    /** One admitted publish of {@code path} is over; true when it was the last (the entry may be deleted). */
    synchronized boolean released(StreamPath path) {
        Entry e = entries.get(path);
        if (e == null) {
            return false;
        }
        if (--e.holds > 0) {
            return false;
        }
        entries.remove(path);
        return true;
    }

    synchronized boolean isHeld(StreamPath path) {
        return entries.containsKey(path);
    }

    synchronized List<StreamPath> paths() {
        return new ArrayList<>(entries.keySet());
    }

    /**
     * Records a claim's outcome: {@code holder} is this node (claimed) or another (conflict). Returns the node
     * newly in conflict (to be logged once), or null when nothing new.
     */
    synchronized String claimResult(StreamPath path, String holder, String selfId) {
        Entry e = entries.get(path);
        if (e == null) {
            return null;
        }
        if (holder.equals(selfId)) {
            e.claimed = true;
            e.conflictNode = null;
            return null;
        }
        e.claimed = false;
        boolean changed = !holder.equals(e.conflictNode);
        e.conflictNode = holder;
        return changed ? holder : null;
    }

    /** Published here, entry not written yet (and not held by another node). */
    synchronized int pending() {
        int n = 0;
        for (Entry e : entries.values()) {
            if (!e.claimed && e.conflictNode == null) {
                n++;
            }
        }
        return n;
    }

    /** Published here while the directory names another node: path → that node. */
    synchronized Map<StreamPath, String> conflicts() {
        Map<StreamPath, String> conflicts = new TreeMap<>(java.util.Comparator.comparing(StreamPath::toString));
        entries.forEach((path, e) -> {
            if (e.conflictNode != null) {
                conflicts.put(path, e.conflictNode);
            }
        });
        return conflicts;
    }
}
