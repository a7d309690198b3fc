package io.ringcast.broadcast;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The direct memory the engine may commit to track rings, reserved per stream when it is created and released when
 * it closes, so that a new stream is refused (with a reason) before an allocation can fail. Thread-safe: publishing
 * connections reserve, whichever thread closes a stream releases; lock-free.
 *
 * <p>The reservation is bookkeeping only: the ring payloads themselves are allocated on a stream's first frame
 * ({@link io.ringcast.broadcast.track.TrackRing}), inside the reservation already held.
 */
public final class DirectMemoryBudget {
    /** Kept out of the budget for everything else that uses direct memory (sockets, HTTP buffers, recordings). */
    public static final long MIN_MARGIN_BYTES = 64L << 20;
    /** The share of the JVM's direct memory limit kept out of the budget, when larger than the minimum margin. */
    public static final int MARGIN_PERCENT = 25;

    private final long capacityBytes;
    private final AtomicLong reservedBytes = new AtomicLong();

    /** @param capacityBytes what may be reserved in total, positive */
    public DirectMemoryBudget(long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("direct_memory_budget_bytes must be positive: " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
    }

    /**
     * The configured budget, or when {@code configuredBytes} is 0 the JVM's direct memory limit
     * ({@code -XX:MaxDirectMemorySize}, else the maximum heap as the JVM itself assumes) less a margin of
     * {@link #MARGIN_PERCENT} % (at least {@link #MIN_MARGIN_BYTES}, and always leaving some budget).
     */
    public static DirectMemoryBudget of(long configuredBytes) {
        long capacityBytes = configuredBytes > 0 ? configuredBytes : derivedBytes(jvmDirectMemoryLimitBytes());
        return new DirectMemoryBudget(capacityBytes);
    }

    /** The default budget for a JVM whose direct memory limit is {@code limitBytes}. */
    public static long derivedBytes(long limitBytes) {
        long margin = Math.max(MIN_MARGIN_BYTES, (long) (limitBytes * (MARGIN_PERCENT / 100.0)));
        return Math.max(limitBytes - margin, limitBytes / 2);
    }

    /** {@code -XX:MaxDirectMemorySize} when set, else {@link Runtime#maxMemory()}, which is what the JVM uses then. */
    static long jvmDirectMemoryLimitBytes() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            long configured = Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
            if (configured > 0) {
                return configured;
            }
        } catch (RuntimeException e) {
            // not a HotSpot JVM, or the option is unknown: the JVM's default applies
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** Reserves {@code bytes}; false (nothing reserved) when that would exceed the capacity. */
    public boolean tryReserve(long bytes) {
        while (true) {
            long reserved = reservedBytes.get();
            if (reserved + bytes > capacityBytes) {
                return false;
            }
            if (reservedBytes.compareAndSet(reserved, reserved + bytes)) {
                return true;
            }
        }
    }

    /** Returns a reservation made with {@link #tryReserve}. */
    public void release(long bytes) {
        reservedBytes.addAndGet(-bytes);
    }

    /** A size for messages and logs: whole MiB from 1 MiB up, else bytes. */
    public static String describe(long bytes) {
        return bytes >= 1L << 20 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    public long reservedBytes() {
        return reservedBytes.get();
    }
}
