package io.ringcast.ingest.chunk;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Reassembly state of one incoming chunk stream: the last header, timestamp delta and the message in progress;
 * owned by the {@link ChunkDecoder}'s thread.
 */
final class ChunkStream {
    private static final int INITIAL_SCRATCH_CAPACITY = 256;

    final MessageHeader header = new MessageHeader();
    /** Last timestamp delta (or, after a type 0 header, the absolute timestamp), reused by type 3 headers. */
    long timestampDeltaMs;
    /** Whether the last type 0-2 header carried an extended timestamp, so type 3 chunks carry one too. */
    boolean extendedTimestamp;
    boolean messageInProgress;
    boolean accepted;
    boolean announced;
    int receivedBytes;
    MutableDirectBuffer payloadBuffer;
    int payloadOffset;
    private ExpandableArrayBuffer scratch;

    ChunkStream(final int chunkStreamId) {
        header.chunkStreamId = chunkStreamId;
    }

    MutableDirectBuffer scratch(final int capacity) {
        if (scratch == null || scratch.capacity() < capacity) {
            // Exactly the capacity asked for: growing in place (x1.5, copying the old bytes) could exceed the
            // configured maximum message length (ChunkStreamFuzzTest checks it). The old content is not needed.
            scratch = new ExpandableArrayBuffer(Math.max(INITIAL_SCRATCH_CAPACITY, capacity));
        }
        return scratch;
    }
}
