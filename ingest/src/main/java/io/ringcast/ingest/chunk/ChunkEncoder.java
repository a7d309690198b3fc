package io.ringcast.ingest.chunk;

import static io.ringcast.ingest.chunk.ChunkDecoder.CSID_FORM_BASE;
import static io.ringcast.ingest.chunk.ChunkDecoder.CSID_THREE_BYTE_FORM;
import static io.ringcast.ingest.chunk.ChunkDecoder.CSID_TWO_BYTE_FORM;
import static io.ringcast.ingest.chunk.ChunkDecoder.EXTENDED_TIMESTAMP_LENGTH;
import static io.ringcast.ingest.chunk.ChunkDecoder.EXTENDED_TIMESTAMP_MARKER;
import static io.ringcast.ingest.chunk.ChunkDecoder.FMT_0;
import static io.ringcast.ingest.chunk.ChunkDecoder.FMT_3;
import static io.ringcast.ingest.chunk.ChunkDecoder.FMT_SHIFT;
import static io.ringcast.ingest.chunk.ChunkDecoder.MAX_CHUNK_STREAM_ID;
import static io.ringcast.ingest.chunk.ChunkDecoder.MESSAGE_HEADER_LENGTH;
import static io.ringcast.ingest.chunk.ChunkDecoder.MIN_CHUNK_STREAM_ID;
import static io.ringcast.ingest.chunk.ChunkDecoder.UINT32_MASK;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * RTMP chunk stream multiplexer for outgoing messages (Adobe RTMP specification 5.3) with the protocol control
 * messages of 5.4 and the user control events of 6.2; one instance per connection, owned by the thread that
 * writes to that connection.
 * <p>
 * Each message is written as a fmt 0 chunk followed by fmt 3 continuation chunks of at most
 * {@link #chunkSizeBytes()} payload bytes. A timestamp of 0xFFFFFF or more goes into an extended timestamp,
 * repeated on every continuation chunk. The caller provides the destination and must make sure it holds
 * {@link #encodedLength} bytes (an {@code ExpandableArrayBuffer} grows by itself; a {@code ByteBuffer} can be
 * wrapped in an {@code UnsafeBuffer}).
 */
public final class ChunkEncoder {
    /** Chunk stream id reserved for protocol control messages (5.4). */
    public static final int CONTROL_CHUNK_STREAM_ID = 2;
    /** Message stream id of protocol control messages and connection-level commands. */
    public static final int CONTROL_MESSAGE_STREAM_ID = 0;
    /** Largest chunk size that may be sent: Set Chunk Size carries 31 bits. */
    public static final int MAX_CHUNK_SIZE = 0x7FFF_FFFF;

    private static final int ONE_BYTE_FORM_LIMIT = CSID_FORM_BASE;
    private static final int TWO_BYTE_FORM_LIMIT = CSID_FORM_BASE + 256;
    private static final int CONTROL_PAYLOAD_CAPACITY = 16;
    private static final int UINT32_LENGTH = 4;
    private static final int USER_CONTROL_EVENT_LENGTH = 2;

    private final UnsafeBuffer controlPayload = new UnsafeBuffer(new byte[CONTROL_PAYLOAD_CAPACITY]);
    private int chunkSizeBytes = ChunkDecoder.DEFAULT_CHUNK_SIZE;

    /**
     * @return outgoing chunk size currently in force.
     */
    public int chunkSizeBytes() {
        return chunkSizeBytes;
    }

    /**
     * Sets the outgoing chunk size without telling the peer; see {@link #writeSetChunkSize} for the message.
     *
     * @param chunkSizeBytes 1 to {@link #MAX_CHUNK_SIZE}.
     */
    public void chunkSizeBytes(final int chunkSizeBytes) {
        if (chunkSizeBytes <= 0) {
            throw new IllegalArgumentException("chunkSizeBytes must be positive: " + chunkSizeBytes);
        }
        this.chunkSizeBytes = chunkSizeBytes;
    }

    /**
     * @param chunkStreamId chunk stream id the message goes on.
     * @param timestampMs   message timestamp.
     * @param payloadLength message length.
     * @return number of bytes {@link #encode} writes for such a message at the current chunk size.
     */
    public int encodedLength(final int chunkStreamId, final long timestampMs, final int payloadLength) {
        final int basicHeaderLength = basicHeaderLength(chunkStreamId);
        final int extendedLength = isExtended(timestampMs) ? EXTENDED_TIMESTAMP_LENGTH : 0;
        final int chunks = payloadLength == 0 ? 1 : (int)((payloadLength + (long)chunkSizeBytes - 1) / chunkSizeBytes);
        return payloadLength + MESSAGE_HEADER_LENGTH[FMT_0] + chunks * (basicHeaderLength + extendedLength);
    }

    /**
     * Writes one message as chunks.
     *
     * @param dst             destination, with room for {@link #encodedLength} bytes from {@code dstOffset}.
     * @param dstOffset       index of the first byte written.
     * @param chunkStreamId   2 to 65599.
     * @param timestampMs     absolute timestamp, taken modulo 2^32.
     * @param messageTypeId   see {@link MessageTypeIds}.
     * @param messageStreamId message stream id.
     * @param payload         message payload.
     * @param payloadOffset   index of the first payload byte.
     * @param payloadLength   payload length, below 2^24.
     * @return number of bytes written.
     */
    public int encode(
        final MutableDirectBuffer dst,
        final int dstOffset,
        final int chunkStreamId,
        final long timestampMs,
        final int messageTypeId,
        final int messageStreamId,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength) {
        if (payloadLength < 0 || payloadLength > EXTENDED_TIMESTAMP_MARKER) {
            throw new IllegalArgumentException("payloadLength must be in 0..16777215: " + payloadLength);
        }
        final long timestamp = timestampMs & UINT32_MASK;
        final boolean extended = isExtended(timestamp);
        int position = putFmt0Header(dst, dstOffset, chunkStreamId, timestamp, messageTypeId, messageStreamId,
            payloadLength);
        int written = 0;
        while (true) {
            if (extended) {
                dst.putInt(position, (int)timestamp, ByteOrder.BIG_ENDIAN);
                position += EXTENDED_TIMESTAMP_LENGTH;
            }
            final int count = Math.min(chunkSizeBytes, payloadLength - written);
            dst.putBytes(position, payload, payloadOffset + written, count);
            position += count;
            written += count;
            if (written == payloadLength) {
                return position - dstOffset;
            }
            position = putBasicHeader(dst, position, FMT_3, chunkStreamId);
        }
    }

    /**
     * @return length of the fmt 0 chunk header (basic header, message header, extended timestamp if needed) that
     * {@link #writeMessageHeader} writes; at most 18 bytes.
     */
    public int messageHeaderLength(final int chunkStreamId, final long timestampMs) {
        return basicHeaderLength(chunkStreamId) + MESSAGE_HEADER_LENGTH[FMT_0] +
            (isExtended(timestampMs) ? EXTENDED_TIMESTAMP_LENGTH : 0);
    }

    /**
     * Writes only the fmt 0 chunk header of a message, for a sender that sends the payload from where it lies (a
     * gathering write): the first {@code min(payloadLength, chunkSizeBytes())} payload bytes follow it, and
     * {@link #writeContinuationHeader} goes between each further chunk.
     *
     * @return number of header bytes written, equal to {@link #messageHeaderLength}.
     */
    public int writeMessageHeader(
        final MutableDirectBuffer dst,
        final int offset,
        final int chunkStreamId,
        final long timestampMs,
        final int messageTypeId,
        final int messageStreamId,
        final int payloadLength) {
        final long timestamp = timestampMs & UINT32_MASK;
        int position = putFmt0Header(dst, offset, chunkStreamId, timestamp, messageTypeId, messageStreamId,
            payloadLength);
        if (isExtended(timestamp)) {
            dst.putInt(position, (int)timestamp, ByteOrder.BIG_ENDIAN);
            position += EXTENDED_TIMESTAMP_LENGTH;
        }
        return position - offset;
    }

    /**
     * @return length of a fmt 3 continuation chunk header (basic header, extended timestamp if needed); at most 7.
     */
    public int continuationHeaderLength(final int chunkStreamId, final long timestampMs) {
        return basicHeaderLength(chunkStreamId) + (isExtended(timestampMs) ? EXTENDED_TIMESTAMP_LENGTH : 0);
    }

    /**
     * Writes the fmt 3 header that precedes each continuation chunk of a message whose fmt 0 header came from
     * {@link #writeMessageHeader} (the extended timestamp repeats, as {@link #encode} writes it).
     *
     * @return number of header bytes written, equal to {@link #continuationHeaderLength}.
     */
    public int writeContinuationHeader(
        final MutableDirectBuffer dst, final int offset, final int chunkStreamId, final long timestampMs) {
        final long timestamp = timestampMs & UINT32_MASK;
        int position = putBasicHeader(dst, offset, FMT_3, chunkStreamId);
        if (isExtended(timestamp)) {
            dst.putInt(position, (int)timestamp, ByteOrder.BIG_ENDIAN);
            position += EXTENDED_TIMESTAMP_LENGTH;
        }
        return position - offset;
    }

    /**
     * Writes Set Chunk Size (5.4.1) and applies the new size to every message encoded after it.
     *
     * @return number of bytes written.
     */
    public int writeSetChunkSize(final MutableDirectBuffer dst, final int offset, final int chunkSizeBytes) {
        if (chunkSizeBytes <= 0) {
            throw new IllegalArgumentException("chunkSizeBytes must be positive: " + chunkSizeBytes);
        }
        controlPayload.putInt(0, chunkSizeBytes, ByteOrder.BIG_ENDIAN);
        final int length = writeControl(dst, offset, MessageTypeIds.SET_CHUNK_SIZE, UINT32_LENGTH);
        this.chunkSizeBytes = chunkSizeBytes;
        return length;
    }

    /**
     * Writes Window Acknowledgement Size (5.4.4): the peer should acknowledge every {@code windowBytes}.
     *
     * @return number of bytes written.
     */
    public int writeWindowAcknowledgementSize(final MutableDirectBuffer dst, final int offset, final int windowBytes) {
        controlPayload.putInt(0, windowBytes, ByteOrder.BIG_ENDIAN);
        return writeControl(dst, offset, MessageTypeIds.WINDOW_ACKNOWLEDGEMENT_SIZE, UINT32_LENGTH);
    }

    /**
     * Writes Set Peer Bandwidth (5.4.5).
     *
     * @param limitType {@link ControlMessages#LIMIT_TYPE_HARD}, {@code _SOFT} or {@code _DYNAMIC}.
     * @return number of bytes written.
     */
    public int writeSetPeerBandwidth(
        final MutableDirectBuffer dst, final int offset, final int windowBytes, final int limitType) {
        controlPayload.putInt(0, windowBytes, ByteOrder.BIG_ENDIAN);
        controlPayload.putByte(UINT32_LENGTH, (byte)limitType);
        return writeControl(dst, offset, MessageTypeIds.SET_PEER_BANDWIDTH, UINT32_LENGTH + 1);
    }

    /**
     * Writes Acknowledgement (5.4.3).
     *
     * @param sequenceNumber bytes received so far, taken modulo 2^32.
     * @return number of bytes written.
     */
    public int writeAcknowledgement(final MutableDirectBuffer dst, final int offset, final long sequenceNumber) {
        controlPayload.putInt(0, (int)sequenceNumber, ByteOrder.BIG_ENDIAN);
        return writeControl(dst, offset, MessageTypeIds.ACKNOWLEDGEMENT, UINT32_LENGTH);
    }

    /**
     * Writes the User Control event Stream Begin (6.2) for a message stream.
     *
     * @return number of bytes written.
     */
    public int writeStreamBegin(final MutableDirectBuffer dst, final int offset, final int messageStreamId) {
        return writeUserControl(dst, offset, ControlMessages.EVENT_STREAM_BEGIN, messageStreamId);
    }

    /**
     * Writes the User Control event PingResponse (6.2) echoing a PingRequest's timestamp.
     *
     * @return number of bytes written.
     */
    public int writePingResponse(final MutableDirectBuffer dst, final int offset, final long timestamp) {
        return writeUserControl(dst, offset, ControlMessages.EVENT_PING_RESPONSE, (int)timestamp);
    }

    /**
     * Writes the User Control event SetBufferLength (6.2): a player tells how many milliseconds it buffers of a
     * message stream.
     *
     * @return number of bytes written.
     */
    public int writeSetBufferLength(
        final MutableDirectBuffer dst, final int offset, final int messageStreamId, final int bufferLengthMs) {
        controlPayload.putShort(0, (short)ControlMessages.EVENT_SET_BUFFER_LENGTH, ByteOrder.BIG_ENDIAN);
        controlPayload.putInt(USER_CONTROL_EVENT_LENGTH, messageStreamId, ByteOrder.BIG_ENDIAN);
        controlPayload.putInt(USER_CONTROL_EVENT_LENGTH + UINT32_LENGTH, bufferLengthMs, ByteOrder.BIG_ENDIAN);
        return writeControl(dst, offset, MessageTypeIds.USER_CONTROL, USER_CONTROL_EVENT_LENGTH + 2 * UINT32_LENGTH);
    }

    private int writeUserControl(final MutableDirectBuffer dst, final int offset, final int event, final int value) {
        controlPayload.putShort(0, (short)event, ByteOrder.BIG_ENDIAN);
        controlPayload.putInt(USER_CONTROL_EVENT_LENGTH, value, ByteOrder.BIG_ENDIAN);
        return writeControl(dst, offset, MessageTypeIds.USER_CONTROL, USER_CONTROL_EVENT_LENGTH + UINT32_LENGTH);
    }

    private int writeControl(final MutableDirectBuffer dst, final int offset, final int typeId, final int length) {
        return encode(dst, offset, CONTROL_CHUNK_STREAM_ID, 0, typeId, CONTROL_MESSAGE_STREAM_ID,
            controlPayload, 0, length);
    }

    private static boolean isExtended(final long timestampMs) {
        return (timestampMs & UINT32_MASK) >= EXTENDED_TIMESTAMP_MARKER;
    }

    private static int basicHeaderLength(final int chunkStreamId) {
        if (chunkStreamId < MIN_CHUNK_STREAM_ID || chunkStreamId > MAX_CHUNK_STREAM_ID) {
            throw new IllegalArgumentException("chunkStreamId must be in 2..65599: " + chunkStreamId);
        }
        return chunkStreamId < ONE_BYTE_FORM_LIMIT ? 1 : chunkStreamId < TWO_BYTE_FORM_LIMIT ? 2 : 3;
    }

    /**
     * Writes the basic header and the fmt 0 message header (5.3.1.2.1) of a message, not its extended timestamp.
     *
     * @param timestamp message timestamp, already taken modulo 2^32.
     * @return index of the byte after the message header.
     */
    private static int putFmt0Header(
        final MutableDirectBuffer dst,
        final int offset,
        final int chunkStreamId,
        final long timestamp,
        final int messageTypeId,
        final int messageStreamId,
        final int payloadLength) {
        final int position = putBasicHeader(dst, offset, FMT_0, chunkStreamId);
        putUint24(dst, position, isExtended(timestamp) ? EXTENDED_TIMESTAMP_MARKER : (int)timestamp);
        putUint24(dst, position + 3, payloadLength);
        dst.putByte(position + 6, (byte)messageTypeId);
        dst.putInt(position + 7, messageStreamId, ByteOrder.LITTLE_ENDIAN);
        return position + MESSAGE_HEADER_LENGTH[FMT_0];
    }

    private static int putBasicHeader(
        final MutableDirectBuffer dst, final int offset, final int fmt, final int chunkStreamId) {
        final int length = basicHeaderLength(chunkStreamId);
        final int fmtBits = fmt << FMT_SHIFT;
        if (length == 1) {
            dst.putByte(offset, (byte)(fmtBits | chunkStreamId));
        } else if (length == 2) {
            dst.putByte(offset, (byte)(fmtBits | CSID_TWO_BYTE_FORM));
            dst.putByte(offset + 1, (byte)(chunkStreamId - CSID_FORM_BASE));
        } else {
            final int rest = chunkStreamId - CSID_FORM_BASE;
            dst.putByte(offset, (byte)(fmtBits | CSID_THREE_BYTE_FORM));
            dst.putByte(offset + 1, (byte)rest);
            dst.putByte(offset + 2, (byte)(rest >>> 8));
        }
        return offset + length;
    }

    private static void putUint24(final MutableDirectBuffer dst, final int offset, final int value) {
        dst.putByte(offset, (byte)(value >>> 16));
        dst.putByte(offset + 1, (byte)(value >>> 8));
        dst.putByte(offset + 2, (byte)value);
    }
}
