package io.ringcast.ingest.chunk;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reassembly state of one incoming chunk stream: the last header, timestamp delta and the message in progress;
 * owned by the {@link ChunkDecoder}'s thread.
 * <p>
 * A message the listener leaves in the decoder's care goes to {@link #scratch}, which grows with the bytes that
 * actually arrived (doubling, never beyond the announced length), not with the length a header announces: a peer
 * announcing megabytes and sending one byte costs one small buffer. The decoder accounts for every byte of
 * capacity against its budgets before it grows.
 */
final class ChunkStream {
    /** First capacity of a scratch buffer: a control message or a short command fits. */
    static final int MIN_SCRATCH_BYTES = 256;
    /** A scratch buffer larger than this is dropped once its message is complete, so only small ones are kept. */
    static final int MAX_RETAINED_SCRATCH_BYTES = 4096;
    private static final byte[] EMPTY = new byte[0];

    final MessageHeader header = new MessageHeader();
    /** Last timestamp delta (or, after a type 0 header, the absolute timestamp), reused by type 3 headers. */
    long timestampDeltaMs;
    /** Whether the last type 0-2 header carried an extended timestamp, so type 3 chunks carry one too. */
    boolean extendedTimestamp;
    boolean messageInProgress;
    boolean accepted;
    boolean announced;
    /** Whether the payload of the message in progress goes to {@link #scratch} (else to the listener's target). */
    boolean inScratch;
    int receivedBytes;
    MutableDirectBuffer payloadBuffer;
    int payloadOffset;
    /** The decoder's own buffer for this chunk stream; the same instance, re-wrapped as it grows. */
    final UnsafeBuffer scratch = new UnsafeBuffer(EMPTY);

    ChunkStream(final int chunkStreamId) {
        header.chunkStreamId = chunkStreamId;
    }

    /**
     * @param neededBytes bytes the message in progress needs in scratch now, at most its announced length.
     * @return the capacity to grow the scratch buffer to: at least doubled, never more than the announced length
     *         unless that is below {@link #MIN_SCRATCH_BYTES}, the least a scratch buffer gets.
     */
    int grownCapacity(final int neededBytes) {
        final long doubled = Math.max(neededBytes, 2L * scratch.capacity());
        return (int)Math.max(MIN_SCRATCH_BYTES, Math.min(header.messageLength, doubled));
    }

    /** Replaces scratch with {@code capacityBytes} of buffer, keeping the {@link #receivedBytes} received. */
    void growScratch(final int capacityBytes) {
        final byte[] grown = new byte[capacityBytes];
        scratch.getBytes(0, grown, 0, receivedBytes);
        scratch.wrap(grown);
    }

    /** Drops the scratch buffer; returns the capacity released. */
    int dropScratch() {
        final int capacity = scratch.capacity();
        scratch.wrap(EMPTY);
        return capacity;
    }
}
