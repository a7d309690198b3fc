package io.ringcast.broadcast.stream;

/**
 * How long a request-driven audience (HLS players fetching playlists and segments) still counts as watching: until a
 * lease time after its latest request. Not thread-safe: its {@link Stream} calls it under its monitor; times are on
 * the stream's injected clock.
 */
final class AudienceLease {
    private long expiresAtNs;
    private boolean renewed;

    /** A request at {@code nowNs} keeps the audience for {@code leaseNs} more (never shortens a longer lease). */
    void renew(long nowNs, long leaseNs) {
        long until = nowNs + leaseNs;
        if (!renewed || until - expiresAtNs > 0) {
            expiresAtNs = until;
            renewed = true;
        }
    }

    /** Whether no request renewed the lease before {@code nowNs}. */
    boolean hasExpired(long nowNs) {
        return nowNs - expiresAtNs >= 0;
    }
}
