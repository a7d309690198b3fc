package io.ringcast.ingest.chunk;

/**
 * RTMP message type ids (Adobe RTMP specification 5.4 and 7.1); constants only, usable from any thread.
 */
public final class MessageTypeIds {
    /** Protocol control: Set Chunk Size, 4-byte payload. */
    public static final int SET_CHUNK_SIZE = 1;
    /** Protocol control: Abort Message, 4-byte chunk stream id. */
    public static final int ABORT = 2;
    /** Protocol control: Acknowledgement, 4-byte sequence number (bytes received). */
    public static final int ACKNOWLEDGEMENT = 3;
    /** User Control Message: 2-byte event type then event data. */
    public static final int USER_CONTROL = 4;
    /** Protocol control: Window Acknowledgement Size, 4 bytes. */
    public static final int WINDOW_ACKNOWLEDGEMENT_SIZE = 5;
    /** Protocol control: Set Peer Bandwidth, 4-byte window and 1-byte limit type. */
    public static final int SET_PEER_BANDWIDTH = 6;
    /** Audio message: one FLV audio tag body. */
    public static final int AUDIO = 8;
    /** Video message: one FLV video tag body. */
    public static final int VIDEO = 9;
    /** Data message, AMF3. */
    public static final int DATA_AMF3 = 15;
    /** Shared object message, AMF3. */
    public static final int SHARED_OBJECT_AMF3 = 16;
    /** Command message, AMF3. */
    public static final int COMMAND_AMF3 = 17;
    /** Data message, AMF0 (e.g. {@code @setDataFrame}). */
    public static final int DATA_AMF0 = 18;
    /** Shared object message, AMF0. */
    public static final int SHARED_OBJECT_AMF0 = 19;
    /** Command message, AMF0 (e.g. {@code connect}, {@code publish}). */
    public static final int COMMAND_AMF0 = 20;
    /** Aggregate message: a sequence of FLV-like tags. */
    public static final int AGGREGATE = 22;

    private MessageTypeIds() {
    }

    /**
     * @param messageTypeId a message type id.
     * @return true for the protocol control messages 1, 2, 3, 5, 6 and the user control message 4.
     */
    public static boolean isControl(final int messageTypeId) {
        return messageTypeId >= SET_CHUNK_SIZE && messageTypeId <= SET_PEER_BANDWIDTH;
    }
}
