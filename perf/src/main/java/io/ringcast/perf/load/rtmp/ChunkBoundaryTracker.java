package io.ringcast.perf.load.rtmp;

import io.ringcast.ingest.chunk.ChunkDecoder;
import io.ringcast.ingest.chunk.MessageTypeIds;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * Follows the chunk framing of a received RTMP chunk stream (Adobe RTMP specification 5.3.1) to tell how many bytes
 * complete the unit in progress, the units a simple player such as librtmp reads one by one. One per connection, on
 * its owning thread; allocation-free once every chunk stream has been seen.
 * <pre>
 *  per chunk:  basic header byte 1 | rest of the basic header (0-2) | message header of its fmt (11/7/3/0)
 *              | extended timestamp (0/4) | payload: min(chunk size, bytes left of the message)
 * </pre>
 * It reads Set Chunk Size and Abort Message (5.4.1, 5.4.2) itself, as the session's {@link ChunkDecoder} does, whose
 * state is private to ingest. It checks nothing: feed it bytes the session's decoder accepted.
 */
public final class ChunkBoundaryTracker {
    private static final int FMT_SHIFT = 6;
    private static final int FMT_3 = 3;
    private static final int CSID_MASK = 0x3F;
    private static final int CSID_TWO_BYTE_FORM = 0;
    private static final int CSID_THREE_BYTE_FORM = 1;
    private static final int CSID_FORM_BASE = 64;
    private static final int MAX_BASIC_HEADER_LENGTH = 3;
    private static final int[] MESSAGE_HEADER_LENGTH = {11, 7, 3, 0};
    private static final int LENGTH_OFFSET = 3;
    private static final int TYPE_ID_OFFSET = 6;
    private static final int EXTENDED_TIMESTAMP_MARKER = 0xFFFFFF;
    private static final int EXTENDED_TIMESTAMP_LENGTH = 4;
    /** Set Chunk Size and Abort Message carry one 32-bit value. */
    private static final int CONTROL_VALUE_LENGTH = 4;

    private enum Unit { BASIC_HEADER, BASIC_HEADER_REST, MESSAGE_HEADER, EXTENDED_TIMESTAMP, PAYLOAD }

    /** What the next chunks of one chunk stream need: its last message header's fields and the message's progress. */
    private static final class ChunkStream {
        int messageLength;
        int messageTypeId;
        boolean extendedTimestamp;
        boolean messageInProgress;
        int receivedBytes;
        /** The value a Set Chunk Size or Abort Message carries, big-endian, as its bytes arrive. */
        long controlValue;
    }

    /** Basic and message header of the chunk in progress; the extended timestamp is skipped, not needed. */
    private final byte[] header = new byte[MAX_BASIC_HEADER_LENGTH + MESSAGE_HEADER_LENGTH[0]];
    private final Int2ObjectHashMap<ChunkStream> streams = new Int2ObjectHashMap<>();
    private int chunkSizeBytes = ChunkDecoder.DEFAULT_CHUNK_SIZE;
    private Unit unit = Unit.BASIC_HEADER;
    private int unitStart;
    private int unitLength = 1;
    private int unitFilled;
    private int fmt;
    private int basicHeaderLength;
    private ChunkStream current;

    /** Bytes that complete the unit in progress; always positive. */
    public int bytesToUnitEnd() {
        return unitLength - unitFilled;
    }

    /** Consumes chunk stream bytes, split anywhere. */
    public void consume(DirectBuffer buffer, int offset, int length) {
        int position = offset;
        int end = offset + length;
        while (position < end) {
            int count = Math.min(unitLength - unitFilled, end - position);
            if (unit == Unit.PAYLOAD) {
                onPayload(buffer, position, count);
            } else if (unit != Unit.EXTENDED_TIMESTAMP) {
                buffer.getBytes(position, header, unitStart + unitFilled, count);
            }
            position += count;
            unitFilled += count;
            if (unitFilled == unitLength) {
                endUnit();
            }
        }
    }

    private void endUnit() {
        switch (unit) {
            case BASIC_HEADER -> {
                fmt = (header[0] & 0xFF) >>> FMT_SHIFT;
                int csidBits = header[0] & CSID_MASK;
                basicHeaderLength = csidBits == CSID_TWO_BYTE_FORM ? 2 : csidBits == CSID_THREE_BYTE_FORM ? 3 : 1;
                begin(Unit.BASIC_HEADER_REST, 1, basicHeaderLength - 1);
            }
            case BASIC_HEADER_REST -> {
                current = chunkStream(chunkStreamId());
                begin(Unit.MESSAGE_HEADER, basicHeaderLength, MESSAGE_HEADER_LENGTH[fmt]);
            }
            case MESSAGE_HEADER -> {
                if (fmt != FMT_3) {
                    onMessageHeader();
                }
                begin(Unit.EXTENDED_TIMESTAMP, 0, current.extendedTimestamp ? EXTENDED_TIMESTAMP_LENGTH : 0);
            }
            case EXTENDED_TIMESTAMP -> startPayload();
            default -> endChunk();
        }
    }

    /** Starts the next unit; one of no bytes ends at once. */
    private void begin(Unit next, int start, int length) {
        unit = next;
        unitStart = start;
        unitLength = length;
        unitFilled = 0;
        if (length == 0) {
            endUnit();
        }
    }

    private int chunkStreamId() {
        int csidBits = header[0] & CSID_MASK;
        return switch (basicHeaderLength) {
            case 1 -> csidBits;
            case 2 -> CSID_FORM_BASE + (header[1] & 0xFF);
            default -> CSID_FORM_BASE + (header[1] & 0xFF) + ((header[2] & 0xFF) << 8);
        };
    }

    private ChunkStream chunkStream(int chunkStreamId) {
        ChunkStream stream = streams.get(chunkStreamId);
        if (stream == null) {
            stream = new ChunkStream();
            streams.put(chunkStreamId, stream);
        }
        return stream;
    }

    /** fmt 0 to 2: a new timestamp field, which says whether an extended timestamp follows; fmt 0 and 1: length. */
    private void onMessageHeader() {
        ChunkStream stream = current;
        int fields = basicHeaderLength;
        stream.extendedTimestamp = uint24(fields) == EXTENDED_TIMESTAMP_MARKER;
        if (MESSAGE_HEADER_LENGTH[fmt] > LENGTH_OFFSET) {
            stream.messageLength = uint24(fields + LENGTH_OFFSET);
            stream.messageTypeId = header[fields + TYPE_ID_OFFSET] & 0xFF;
        }
    }

    private void startPayload() {
        ChunkStream stream = current;
        if (!stream.messageInProgress) {
            stream.messageInProgress = true;
            stream.receivedBytes = 0;
            stream.controlValue = 0;
        }
        begin(Unit.PAYLOAD, 0, Math.min(chunkSizeBytes, stream.messageLength - stream.receivedBytes));
    }

    private void onPayload(DirectBuffer buffer, int position, int count) {
        ChunkStream stream = current;
        if (stream.messageTypeId == MessageTypeIds.SET_CHUNK_SIZE || stream.messageTypeId == MessageTypeIds.ABORT) {
            for (int i = 0; i < count && stream.receivedBytes + i < CONTROL_VALUE_LENGTH; i++) {
                stream.controlValue = stream.controlValue << Byte.SIZE | (buffer.getByte(position + i) & 0xFF);
            }
        }
        stream.receivedBytes += count;
    }

    private void endChunk() {
        ChunkStream stream = current;
        current = null;
        if (stream.receivedBytes == stream.messageLength) {
            stream.messageInProgress = false;
            if (stream.messageTypeId == MessageTypeIds.SET_CHUNK_SIZE) {
                chunkSizeBytes = (int) stream.controlValue;
            } else if (stream.messageTypeId == MessageTypeIds.ABORT) {
                abort((int) stream.controlValue);
            }
        }
        begin(Unit.BASIC_HEADER, 0, 1);
    }

    private void abort(int chunkStreamId) {
        ChunkStream aborted = streams.get(chunkStreamId);
        if (aborted != null) {
            aborted.messageInProgress = false;
        }
    }

    private int uint24(int index) {
        return (header[index] & 0xFF) << 16 | (header[index + 1] & 0xFF) << 8 | (header[index + 2] & 0xFF);
    }
}
