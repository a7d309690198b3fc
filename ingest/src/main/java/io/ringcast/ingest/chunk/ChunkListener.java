package io.ringcast.ingest.chunk;

import org.agrona.DirectBuffer;

/**
 * Receives the messages a {@link ChunkDecoder} reassembles; called on the decoder's thread, from inside
 * {@link ChunkDecoder#decode}.
 * <p>
 * Per message: {@link #onMessageStart} once its header is known (first chunk), then exactly one of
 * {@link #onMessage} (last chunk) or {@link #onMessageAborted} (Abort Message from the peer). Messages of
 * different chunk streams interleave, so several may be started and not yet complete.
 * Protocol control and user control messages (type ids 1 to 6) skip {@code onMessageStart}: the decoder keeps
 * them in its own scratch buffer because it interprets some of them itself, and always delivers them.
 */
public interface ChunkListener {
    /**
     * A message starts; choose where its payload goes.
     *
     * @param header header of the message; the same instance is passed to {@link #onMessage}.
     * @param target leave unset to use the decoder's scratch buffer, or {@link PayloadTarget#wrap} it to
     *               receive the payload in place.
     * @return true to receive the payload, false to have the decoder skip it (no {@code onMessage} follows).
     */
    boolean onMessageStart(MessageHeader header, PayloadTarget target);

    /**
     * A message is complete. The decoder has already applied Set Chunk Size and Abort messages.
     *
     * @param header header of the message.
     * @param buffer the payload target chosen at start, or the decoder's scratch buffer, which is valid only
     *               until this call returns.
     * @param offset index of the first payload byte.
     * @param length payload length, equal to {@link MessageHeader#messageLength()}.
     */
    void onMessage(MessageHeader header, DirectBuffer buffer, int offset, int length);

    /**
     * The peer aborted a started, accepted message; its payload target region may be reused.
     *
     * @param header header of the aborted message.
     */
    void onMessageAborted(MessageHeader header);
}
