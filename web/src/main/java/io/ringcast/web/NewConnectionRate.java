package io.ringcast.web;

import io.ringcast.broadcast.time.NanoClock;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Limits how fast one remote address may open connections: a token bucket per address, {@code burst} tokens deep
 * and refilled at {@code perSecond}, kept as one theoretical arrival time per address (the generic cell rate
 * algorithm), so that a whole audience behind one NAT can join at once while a script looping connect-and-close is
 * held to the refill rate. Thread-safe: called once per accepted connection on the accepting I/O threads, never per
 * request or frame, so a monitor is cheap enough.
 *
 * <p>Memory is bounded: at most {@code maxAddresses} addresses are remembered, the least recently seen forgotten
 * first. A forgotten address starts again with a full bucket, which is what it would have after a pause anyway.
 */
final class NewConnectionRate {
    private final NanoClock clock;
    /** Time one token takes to refill. */
    private final long intervalNs;
    /** How far the arrival time may run ahead of now: {@code burst - 1} intervals. */
    private final long toleranceNs;
    private final Map<InetAddress, long[]> nextFreeNs;

    /**
     * @param perSecond    connections per second each address is refilled with
     * @param burst        connections an address may open at once after a pause
     * @param maxAddresses addresses remembered at most
     */
    NewConnectionRate(int perSecond, int burst, int maxAddresses, NanoClock clock) {
        if (perSecond < 1 || burst < 1 || maxAddresses < 1) {
            throw new IllegalArgumentException("new connection rate limits must be positive: per second="
                    + perSecond + ", burst=" + burst + ", addresses=" + maxAddresses);
        }
        this.clock = clock;
        this.intervalNs = TimeUnit.SECONDS.toNanos(1) / perSecond;
        this.toleranceNs = intervalNs * (burst - 1L);
        this.nextFreeNs = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, long[]> eldest) {
                return size() > maxAddresses;
            }
        };
    }

    /** Takes a token for a new connection from {@code address}; false when its bucket is empty. */
    synchronized boolean tryAcquire(InetAddress address) {
        long now = clock.nanoTime();
        long[] entry = nextFreeNs.get(address);
        if (entry == null) {
            nextFreeNs.put(address, new long[] {now + intervalNs});
            return true;
        }
        long arrival = Math.max(entry[0], now);
        if (arrival - now > toleranceNs) {
            return false;
        }
        entry[0] = arrival + intervalNs;
        return true;
    }

    synchronized int addressesRemembered() {
        return nextFreeNs.size();
    }
}
