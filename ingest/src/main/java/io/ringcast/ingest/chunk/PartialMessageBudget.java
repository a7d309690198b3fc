package io.ringcast.ingest.chunk;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-wide budget for bytes that chunk decoders hold in message buffers of their own (command, data and
 * control messages being reassembled; media go straight to ring slots); one instance shared by every connection's
 * thread, lock-free.
 * <p>
 * A decoder draws from it only what it holds beyond its first {@link #UNSHARED_BYTES_PER_CONNECTION} bytes: a
 * client's ordinary small messages (connect, createStream, publish, metadata) never need the shared budget, so peers
 * that exhaust it cannot lock out new clients. At most {@code capacityBytes} plus that allowance per connection is
 * held in all.
 */
public final class PartialMessageBudget {
    /** What each connection may hold without drawing from the shared budget; enough for its ordinary messages. */
    public static final int UNSHARED_BYTES_PER_CONNECTION = 64 * 1024;

    private final long capacityBytes;
    private final AtomicLong reservedBytes = new AtomicLong();

    /**
     * @param capacityBytes bytes all decoders together may hold beyond their unshared allowance; positive.
     */
    public PartialMessageBudget(final long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("capacityBytes must be positive: " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
    }

    /**
     * @return a budget that never runs out, for decoders outside a server (clients, tools, tests).
     */
    public static PartialMessageBudget unlimited() {
        return new PartialMessageBudget(Long.MAX_VALUE);
    }

    /**
     * Takes {@code bytes} from the budget if they fit; any thread.
     *
     * @param bytes positive amount.
     * @return false, taking nothing, if the budget would be exceeded.
     */
    boolean tryReserve(final long bytes) {
        while (true) {
            final long reserved = reservedBytes.get();
            if (bytes > capacityBytes - reserved) {
                return false;
            }
            if (reservedBytes.compareAndSet(reserved, reserved + bytes)) {
                return true;
            }
        }
    }

    /** Gives back {@code bytes} taken with {@link #tryReserve}; any thread. */
    void release(final long bytes) {
        final long after = reservedBytes.addAndGet(-bytes);
        assert after >= 0 : "released more than reserved: " + after;
    }

    /**
     * @return bytes taken from the budget now.
     */
    public long reservedBytes() {
        return reservedBytes.get();
    }

    /**
     * @return the configured capacity.
     */
    public long capacityBytes() {
        return capacityBytes;
    }
}
