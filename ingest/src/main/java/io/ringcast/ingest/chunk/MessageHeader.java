package io.ringcast.ingest.chunk;

/**
 * The header of one RTMP message as reassembled from its chunk stream (Adobe RTMP specification 5.3.1.2); one
 * reusable instance per chunk stream, owned by the decoder's thread and overwritten when that chunk stream
 * starts its next message, so listeners copy what they keep.
 */
public final class MessageHeader {
    int chunkStreamId;
    long timestampMs;
    int messageLength;
    int messageTypeId;
    int messageStreamId;

    /**
     * An empty header. The chunk decoder makes its own; a message source that is not a chunk stream (the HTTP-FLV
     * pull client, whose FLV tags feed the same media ingest) makes one and fills it with {@link #set} per message.
     */
    public MessageHeader() {
    }

    /**
     * Describes the next message of a source other than the chunk decoder (FLV tags have no chunk stream: the
     * source picks one per track, which the media ingest uses as the key of the message in progress). The
     * decoder's own headers are filled by the decoder only. Returns this.
     */
    public MessageHeader set(int chunkStreamId, long timestampMs, int messageLength, int messageTypeId,
                             int messageStreamId) {
        this.chunkStreamId = chunkStreamId;
        this.timestampMs = timestampMs;
        this.messageLength = messageLength;
        this.messageTypeId = messageTypeId;
        this.messageStreamId = messageStreamId;
        return this;
    }

    /**
     * @return chunk stream id, 2 to 65599.
     */
    public int chunkStreamId() {
        return chunkStreamId;
    }

    /**
     * @return absolute message timestamp in milliseconds, an unsigned 32-bit value that wraps.
     */
    public long timestampMs() {
        return timestampMs;
    }

    /**
     * @return payload length in bytes.
     */
    public int messageLength() {
        return messageLength;
    }

    /**
     * @return message type id, see {@link MessageTypeIds}.
     */
    public int messageTypeId() {
        return messageTypeId;
    }

    /**
     * @return message stream id (0 for control and connection-level commands).
     */
    public int messageStreamId() {
        return messageStreamId;
    }

    @Override
    public String toString() {
        return "MessageHeader{csid=" + chunkStreamId + ", timestampMs=" + timestampMs +
            ", length=" + messageLength + ", typeId=" + messageTypeId + ", msid=" + messageStreamId + '}';
    }
}
