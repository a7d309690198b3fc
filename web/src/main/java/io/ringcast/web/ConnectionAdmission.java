package io.ringcast.web;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts a listener's open connections, in all and per remote address, and admits a new one only while both are
 * below their limits. Thread-safe: connections are admitted on accepting threads and released on whichever I/O
 * thread closes them; once per connection, never per request or frame, so a monitor is cheap enough.
 */
final class ConnectionAdmission {
    /** What {@link #admit} decided. */
    enum Verdict {
        ADMITTED,
        /** {@code max_connections} are open. */
        OVER_TOTAL,
        /** The address holds {@code max_connections_per_ip}. */
        OVER_PER_ADDRESS
    }

    private final int maxTotal;
    private final int maxPerAddress;
    private final Map<InetAddress, Integer> openPerAddress = new HashMap<>();
    private int openTotal;

    /** @param maxPerAddress connections one address may hold, 0 for no cap (the total still applies) */
    ConnectionAdmission(int maxTotal, int maxPerAddress) {
        if (maxTotal < 1 || maxPerAddress < 0) {
            throw new IllegalArgumentException("connection limits: max_connections must be positive,"
                    + " max_connections_per_ip 0 (no cap) or more: max_connections=" + maxTotal
                    + ", max_connections_per_ip=" + maxPerAddress);
        }
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress == 0 ? Integer.MAX_VALUE : maxPerAddress;
    }

    /** Counts the connection in when it fits; an admitted one must be {@link #release}d exactly once. */
    synchronized Verdict admit(InetAddress address) {
        int fromAddress = openPerAddress.getOrDefault(address, 0);
        if (fromAddress >= maxPerAddress) {
            return Verdict.OVER_PER_ADDRESS;
        }
        if (openTotal >= maxTotal) {
            return Verdict.OVER_TOTAL;
        }
        openPerAddress.put(address, fromAddress + 1);
        openTotal++;
        return Verdict.ADMITTED;
    }

    /** An admitted connection closed. */
    synchronized void release(InetAddress address) {
        Integer fromAddress = openPerAddress.get(address);
        if (fromAddress == null) {
            throw new IllegalStateException("released a connection never admitted from " + address);
        }
        if (fromAddress == 1) {
            openPerAddress.remove(address); // no entry left behind per address ever seen
        } else {
            openPerAddress.put(address, fromAddress - 1);
        }
        openTotal--;
    }

    synchronized int openTotal() {
        return openTotal;
    }

    synchronized int addressesWithConnections() {
        return openPerAddress.size();
    }
}
