package io.ringcast.ingest.chunk;

import io.ringcast.ingest.RtmpProtocolException;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Incremental RTMP chunk stream demultiplexer (Adobe RTMP specification 5.3); one instance per connection,
 * owned by that connection's ingest thread.
 * <p>
 * {@link #decode} accepts bytes split at any boundary, including inside basic headers, message headers and
 * extended timestamps, and keeps partial state between calls. Chunk headers are gathered in a small internal
 * buffer; payload bytes are copied once, straight into the {@link PayloadTarget} the {@link ChunkListener}
 * chose, or into a reused per-chunk-stream scratch buffer. Nothing is allocated per message once every chunk
 * stream has been seen and its scratch buffer has grown.
 * <p>
 * Memory follows the bytes that arrived, never a length a header announces: a scratch buffer grows (doubling, at
 * most to the announced length) as payload comes in, and is dropped after its message if it grew beyond a few KiB.
 * Every byte of scratch capacity is accounted for before it is allocated: against this connection's budget and,
 * beyond {@link PartialMessageBudget#UNSHARED_BYTES_PER_CONNECTION}, against the server-wide
 * {@link PartialMessageBudget}; running out of either throws {@link PartialMessageBudgetException}. Call
 * {@link #releaseBuffers} when the connection ends, to give the bytes back.
 * <pre>
 *  basic header (1-3)          message header (11/7/3/0 by fmt)                       extended ts (0/4)
 *  +--+------+........+  +------------+----------+-------+----------------+  +-------------------+
 *  |fmt| csid | csid+ |  | timestamp  | msg len  | type  | msg stream id  |  | 32-bit timestamp  |
 *  |2b| 6b   | 0/8/16 |  | (delta) 24 | 24       | 8     | 32 little-end. |  | if field=0xFFFFFF |
 *  +--+------+........+  +------------+----------+-------+----------------+  +-------------------+
 *  csid 0 -> 2-byte form, csid = 64 + b1; csid 1 -> 3-byte form, csid = 64 + b1 + 256 * b2
 * </pre>
 * Timestamps: fmt 0 carries the absolute timestamp, fmt 1 and 2 a delta, and fmt 3 starting a new message
 * repeats the previous timestamp field (after fmt 0 that is the absolute value, as ffmpeg and librtmp read
 * it). A fmt 3 chunk carries an extended timestamp whenever the chunk stream's last fmt 0-2 header did.
 * <p>
 * The decoder applies Set Chunk Size (5.4.1) and Abort Message (5.4.2) itself and delivers every message to the
 * listener. After an {@link RtmpProtocolException} its state is undefined: close the connection.
 */
public final class ChunkDecoder {
    /** Chunk size in force until the peer sends Set Chunk Size. */
    public static final int DEFAULT_CHUNK_SIZE = 128;
    /** Smallest chunk stream id; 0 and 1 select the longer basic header forms. */
    public static final int MIN_CHUNK_STREAM_ID = 2;
    /** Largest chunk stream id, the 3-byte basic header form. */
    public static final int MAX_CHUNK_STREAM_ID = 65599;

    static final int FMT_0 = 0;
    static final int FMT_3 = 3;
    static final int FMT_SHIFT = 6;
    static final int CSID_MASK = 0x3F;
    static final int CSID_TWO_BYTE_FORM = 0;
    static final int CSID_THREE_BYTE_FORM = 1;
    static final int CSID_FORM_BASE = 64;
    static final int EXTENDED_TIMESTAMP_MARKER = 0xFFFFFF;
    static final int EXTENDED_TIMESTAMP_LENGTH = 4;
    static final int[] MESSAGE_HEADER_LENGTH = {11, 7, 3, 0};
    static final long UINT32_MASK = 0xFFFF_FFFFL;

    private static final int MAX_BASIC_HEADER_LENGTH = 3;
    private static final int MAX_HEADER_LENGTH =
        MAX_BASIC_HEADER_LENGTH + MESSAGE_HEADER_LENGTH[FMT_0] + EXTENDED_TIMESTAMP_LENGTH;
    private static final int LENGTH_OFFSET = 3;
    private static final int TYPE_ID_OFFSET = 6;
    private static final int STREAM_ID_OFFSET = 7;
    private static final int CONTROL_PAYLOAD_LENGTH = 4;
    private static final long MAX_SET_CHUNK_SIZE = 0x7FFF_FFFFL;

    private final ChunkListener listener;
    private final int maxMessageLengthBytes;
    private final int maxChunkSizeBytes;
    private final int maxChunkStreams;
    private final long maxBufferedBytes;
    private final PartialMessageBudget budget;
    private final Int2ObjectHashMap<ChunkStream> chunkStreams = new Int2ObjectHashMap<>();
    private final PayloadTarget payloadTarget = new PayloadTarget();
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[MAX_HEADER_LENGTH]);

    private int chunkSizeBytes = DEFAULT_CHUNK_SIZE;
    private long bytesConsumed;
    /** Capacity of every scratch buffer held, as accounted against the budgets. */
    private long bufferedBytes;

    private int headerFilled;
    private int headerNeeded = 1;
    private int basicHeaderLength;
    private boolean extendedTimestampResolved;
    private boolean inPayload;
    private int chunkPayloadRemaining;
    private ChunkStream current;

    /**
     * A decoder without budgets beyond its limits (a client's, a tool's): scratch memory is bounded only by
     * {@code maxChunkStreams} times {@code maxMessageLengthBytes}, and by the bytes that arrived.
     *
     * @param listener              receives every reassembled message.
     * @param maxMessageLengthBytes longest message accepted, e.g. 8 MiB; longer ones are a protocol violation.
     * @param maxChunkSizeBytes     largest chunk size a peer may set, at least {@link #DEFAULT_CHUNK_SIZE}.
     * @param maxChunkStreams       number of distinct chunk stream ids a peer may use, bounding scratch memory.
     */
    public ChunkDecoder(
        final ChunkListener listener,
        final int maxMessageLengthBytes,
        final int maxChunkSizeBytes,
        final int maxChunkStreams) {
        this(listener, maxMessageLengthBytes, maxChunkSizeBytes, maxChunkStreams, Long.MAX_VALUE,
            PartialMessageBudget.unlimited());
    }

    /**
     * @param listener              receives every reassembled message.
     * @param maxMessageLengthBytes longest message accepted, e.g. 8 MiB; longer ones are a protocol violation.
     * @param maxChunkSizeBytes     largest chunk size a peer may set, at least {@link #DEFAULT_CHUNK_SIZE}.
     * @param maxChunkStreams       number of distinct chunk stream ids a peer may use, bounding scratch memory.
     * @param maxBufferedBytes      scratch capacity this decoder may hold in all (its connection's budget).
     * @param budget                the server-wide budget shared with every other decoder.
     */
    public ChunkDecoder(
        final ChunkListener listener,
        final int maxMessageLengthBytes,
        final int maxChunkSizeBytes,
        final int maxChunkStreams,
        final long maxBufferedBytes,
        final PartialMessageBudget budget) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        if (maxMessageLengthBytes <= 0 || maxMessageLengthBytes > EXTENDED_TIMESTAMP_MARKER) {
            throw new IllegalArgumentException("maxMessageLengthBytes must be in 1..16777215: " +
                maxMessageLengthBytes);
        }
        if (maxChunkSizeBytes < DEFAULT_CHUNK_SIZE) {
            throw new IllegalArgumentException("maxChunkSizeBytes must be >= 128: " + maxChunkSizeBytes);
        }
        if (maxChunkStreams <= 0) {
            throw new IllegalArgumentException("maxChunkStreams must be positive: " + maxChunkStreams);
        }
        if (maxBufferedBytes <= 0) {
            throw new IllegalArgumentException("maxBufferedBytes must be positive: " + maxBufferedBytes);
        }
        if (budget == null) {
            throw new IllegalArgumentException("budget must not be null");
        }
        this.listener = listener;
        this.maxMessageLengthBytes = maxMessageLengthBytes;
        this.maxChunkSizeBytes = maxChunkSizeBytes;
        this.maxChunkStreams = maxChunkStreams;
        this.maxBufferedBytes = maxBufferedBytes;
        this.budget = budget;
    }

    /**
     * Consumes chunk stream bytes, calling the listener for each message started, completed or aborted.
     *
     * @param src    received bytes.
     * @param offset index of the first byte.
     * @param length number of bytes.
     * @return number of bytes consumed, always {@code length}: partial chunks are kept internally.
     * @throws RtmpProtocolException if the bytes violate the chunk stream rules.
     */
    public int decode(final DirectBuffer src, final int offset, final int length) {
        int position = offset;
        final int end = offset + length;
        while (position < end) {
            if (inPayload) {
                final int count = Math.min(chunkPayloadRemaining, end - position);
                final ChunkStream stream = current;
                if (stream.accepted) {
                    if (stream.inScratch) {
                        ensureScratch(stream, stream.receivedBytes + count);
                    }
                    stream.payloadBuffer.putBytes(stream.payloadOffset + stream.receivedBytes, src, position, count);
                }
                position += count;
                stream.receivedBytes += count;
                chunkPayloadRemaining -= count;
                if (chunkPayloadRemaining == 0) {
                    endChunk();
                }
            } else {
                final int count = Math.min(headerNeeded - headerFilled, end - position);
                src.getBytes(position, header, headerFilled, count);
                position += count;
                headerFilled += count;
                if (headerFilled == headerNeeded) {
                    onHeaderBytes();
                }
            }
        }
        bytesConsumed += length;
        return length;
    }

    /**
     * @return total bytes consumed since construction, for Acknowledgement (RTMP specification 5.4.3).
     */
    public long bytesConsumed() {
        return bytesConsumed;
    }

    /**
     * @return incoming chunk size currently in force.
     */
    public int chunkSizeBytes() {
        return chunkSizeBytes;
    }

    /**
     * @return capacity of the scratch buffers this decoder holds, as accounted against its budgets.
     */
    public long bufferedBytes() {
        return bufferedBytes;
    }

    /**
     * Drops every scratch buffer and gives its bytes back to the budgets; for the end of the connection, on the
     * thread that owns the decoder last. Idempotent; the decoder must not decode afterwards.
     */
    public void releaseBuffers() {
        for (final ChunkStream stream : chunkStreams.values()) {
            release(stream.dropScratch());
            stream.payloadBuffer = null;
        }
    }

    private void onHeaderBytes() {
        final int fmt = (header.getByte(0) & 0xFF) >>> FMT_SHIFT;
        if (basicHeaderLength == 0) {
            final int csidBits = header.getByte(0) & CSID_MASK;
            basicHeaderLength = csidBits == CSID_TWO_BYTE_FORM ? 2 : csidBits == CSID_THREE_BYTE_FORM ? 3 : 1;
            headerNeeded = basicHeaderLength + MESSAGE_HEADER_LENGTH[fmt];
            if (headerFilled < headerNeeded) {
                return;
            }
        }
        if (!extendedTimestampResolved) {
            extendedTimestampResolved = true;
            current = chunkStream(fmt, chunkStreamId());
            final boolean extended = fmt == FMT_3 ?
                current.extendedTimestamp : uint24(basicHeaderLength) == EXTENDED_TIMESTAMP_MARKER;
            if (extended) {
                headerNeeded += EXTENDED_TIMESTAMP_LENGTH;
                return;
            }
        }
        startChunk(fmt);
    }

    private int chunkStreamId() {
        final int csidBits = header.getByte(0) & CSID_MASK;
        switch (basicHeaderLength) {
            case 1:
                return csidBits;
            case 2:
                return CSID_FORM_BASE + (header.getByte(1) & 0xFF);
            default:
                return CSID_FORM_BASE + (header.getByte(1) & 0xFF) + ((header.getByte(2) & 0xFF) << 8);
        }
    }

    private ChunkStream chunkStream(final int fmt, final int chunkStreamId) {
        ChunkStream stream = chunkStreams.get(chunkStreamId);
        if (stream == null) {
            if (fmt != FMT_0) {
                throw new RtmpProtocolException("chunk stream starts without fmt 0",
                    "csid=" + chunkStreamId + " fmt=" + fmt);
            }
            if (chunkStreams.size() >= maxChunkStreams) {
                throw new RtmpProtocolException("too many chunk streams", "csid=" + chunkStreamId);
            }
            stream = new ChunkStream(chunkStreamId);
            chunkStreams.put(chunkStreamId, stream);
        }
        return stream;
    }

    private void startChunk(final int fmt) {
        final ChunkStream stream = current;
        final int fieldsOffset = basicHeaderLength;
        final boolean extended = headerNeeded > fieldsOffset + MESSAGE_HEADER_LENGTH[fmt];
        if (stream.messageInProgress) {
            if (fmt != FMT_3) {
                throw new RtmpProtocolException("message header inside a message",
                    "csid=" + stream.header.chunkStreamId + " fmt=" + fmt);
            }
        } else {
            final MessageHeader messageHeader = stream.header;
            if (fmt != FMT_3) {
                final long timestampField = extended ?
                    header.getInt(headerNeeded - EXTENDED_TIMESTAMP_LENGTH, ByteOrder.BIG_ENDIAN) & UINT32_MASK :
                    uint24(fieldsOffset);
                stream.extendedTimestamp = extended;
                stream.timestampDeltaMs = timestampField;
                if (fmt == FMT_0) {
                    messageHeader.timestampMs = timestampField;
                    messageHeader.messageStreamId =
                        header.getInt(fieldsOffset + STREAM_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
                } else {
                    messageHeader.timestampMs = (messageHeader.timestampMs + timestampField) & UINT32_MASK;
                }
                if (MESSAGE_HEADER_LENGTH[fmt] > LENGTH_OFFSET) {
                    messageHeader.messageLength = uint24(fieldsOffset + LENGTH_OFFSET);
                    messageHeader.messageTypeId = header.getByte(fieldsOffset + TYPE_ID_OFFSET) & 0xFF;
                }
            } else {
                messageHeader.timestampMs = (messageHeader.timestampMs + stream.timestampDeltaMs) & UINT32_MASK;
            }
            startMessage(stream);
        }
        resetHeader();
        chunkPayloadRemaining = Math.min(chunkSizeBytes, stream.header.messageLength - stream.receivedBytes);
        if (chunkPayloadRemaining == 0) {
            endChunk();
        } else {
            inPayload = true;
        }
    }

    private void startMessage(final ChunkStream stream) {
        final MessageHeader messageHeader = stream.header;
        final int length = messageHeader.messageLength;
        if (length > maxMessageLengthBytes) {
            throw new RtmpProtocolException("message too long", "length=" + length);
        }
        stream.messageInProgress = true;
        stream.receivedBytes = 0;
        stream.accepted = true;
        stream.announced = false;
        stream.inScratch = false;
        if (MessageTypeIds.isControl(messageHeader.messageTypeId)) {
            useScratch(stream);
            return;
        }

        final PayloadTarget target = payloadTarget;
        target.reset();
        stream.announced = true;
        stream.accepted = listener.onMessageStart(messageHeader, target);
        if (stream.accepted && target.isSet()) {
            final MutableDirectBuffer buffer = target.buffer();
            if (!buffer.isExpandable() && buffer.capacity() - target.offset() < length) {
                throw new IllegalStateException("payload target too small: capacity=" + buffer.capacity() +
                    " offset=" + target.offset() + " length=" + length);
            }
            stream.payloadBuffer = buffer;
            stream.payloadOffset = target.offset();
        } else if (stream.accepted) {
            useScratch(stream);
        } else {
            stream.payloadBuffer = null;
            stream.payloadOffset = 0;
        }
        target.reset();
    }

    private static void useScratch(final ChunkStream stream) {
        stream.inScratch = true;
        stream.payloadBuffer = stream.scratch;
        stream.payloadOffset = 0;
    }

    /** Grows the stream's scratch buffer to hold {@code neededBytes}, within the budgets; rare, not per chunk. */
    private void ensureScratch(final ChunkStream stream, final int neededBytes) {
        final int capacity = stream.scratch.capacity();
        if (neededBytes <= capacity) {
            return;
        }
        final int grown = stream.grownCapacity(neededBytes);
        reserve(stream, grown - capacity);
        stream.growScratch(grown);
    }

    private void reserve(final ChunkStream stream, final int bytes) {
        final long after = bufferedBytes + bytes;
        if (after > maxBufferedBytes) {
            throw new PartialMessageBudgetException(false, "csid=" + stream.header.chunkStreamId + " needs " +
                bytes + " more bytes; " + bufferedBytes + " of " + maxBufferedBytes + " held");
        }
        final long shared = sharedPart(after) - sharedPart(bufferedBytes);
        if (shared > 0 && !budget.tryReserve(shared)) {
            throw new PartialMessageBudgetException(true, "csid=" + stream.header.chunkStreamId + " needs " +
                shared + " more bytes; " + budget.reservedBytes() + " of " + budget.capacityBytes() + " held");
        }
        bufferedBytes = after;
    }

    private void release(final int bytes) {
        final long after = bufferedBytes - bytes;
        final long shared = sharedPart(bufferedBytes) - sharedPart(after);
        if (shared > 0) {
            budget.release(shared);
        }
        bufferedBytes = after;
    }

    private static long sharedPart(final long heldBytes) {
        return Math.max(0, heldBytes - PartialMessageBudget.UNSHARED_BYTES_PER_CONNECTION);
    }

    /** After its message: a scratch buffer that grew large is dropped, so only small ones stay between messages. */
    private void trimScratch(final ChunkStream stream) {
        if (stream.inScratch && stream.scratch.capacity() > ChunkStream.MAX_RETAINED_SCRATCH_BYTES) {
            release(stream.dropScratch());
        }
        stream.inScratch = false;
    }

    private void endChunk() {
        inPayload = false;
        final ChunkStream stream = current;
        current = null;
        final MessageHeader messageHeader = stream.header;
        if (stream.receivedBytes < messageHeader.messageLength) {
            return;
        }
        stream.messageInProgress = false;
        final MutableDirectBuffer buffer = stream.payloadBuffer;
        stream.payloadBuffer = null;
        if (!stream.accepted) {
            return;
        }
        if (messageHeader.messageTypeId == MessageTypeIds.SET_CHUNK_SIZE) {
            applySetChunkSize(buffer, messageHeader.messageLength);
        } else if (messageHeader.messageTypeId == MessageTypeIds.ABORT) {
            applyAbort(buffer, messageHeader.messageLength);
        }
        listener.onMessage(messageHeader, buffer, stream.payloadOffset, messageHeader.messageLength);
        trimScratch(stream);
    }

    private void applySetChunkSize(final DirectBuffer payload, final int length) {
        if (length < CONTROL_PAYLOAD_LENGTH) {
            throw new RtmpProtocolException("short set chunk size", "length=" + length);
        }
        final long size = payload.getInt(0, ByteOrder.BIG_ENDIAN) & UINT32_MASK;
        if (size == 0 || size > MAX_SET_CHUNK_SIZE) {
            throw new RtmpProtocolException("invalid chunk size", Long.toString(size));
        }
        if (size > maxChunkSizeBytes) {
            throw new RtmpProtocolException("chunk size above limit", Long.toString(size));
        }
        chunkSizeBytes = (int)size;
    }

    private void applyAbort(final DirectBuffer payload, final int length) {
        if (length < CONTROL_PAYLOAD_LENGTH) {
            throw new RtmpProtocolException("short abort message", "length=" + length);
        }
        final int chunkStreamId = payload.getInt(0, ByteOrder.BIG_ENDIAN);
        final ChunkStream aborted = chunkStreams.get(chunkStreamId);
        if (aborted != null && aborted.messageInProgress) {
            aborted.messageInProgress = false;
            aborted.receivedBytes = 0;
            aborted.payloadBuffer = null;
            trimScratch(aborted);
            if (aborted.announced && aborted.accepted) {
                listener.onMessageAborted(aborted.header);
            }
        }
    }

    private void resetHeader() {
        headerFilled = 0;
        headerNeeded = 1;
        basicHeaderLength = 0;
        extendedTimestampResolved = false;
    }

    private int uint24(final int index) {
        return ((header.getByte(index) & 0xFF) << 16) | ((header.getByte(index + 1) & 0xFF) << 8) |
            (header.getByte(index + 2) & 0xFF);
    }
}
