package io.ringcast.perf.load.rtmp;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A payload target for ingest's {@code ChunkDecoder} that keeps only the first bytes of a message and lets the rest
 * fall away, so a viewer identifies each media message from its first bytes without copying payloads. One per
 * connection, on its owning thread.
 * <p>
 * It claims to be expandable, which lets the decoder hand it messages longer than its capacity, and clips the one
 * write the decoder makes per chunk, {@link #putBytes(int, DirectBuffer, int, int)}, to its capacity.
 * {@code RtmpClientSessionTest} runs it through the real decoder.
 */
public final class MessagePrefixBuffer extends UnsafeBuffer {
    /** @param capacityBytes bytes kept per message, e.g. {@code FrameTagger.PREFIX_BYTES} */
    public MessagePrefixBuffer(int capacityBytes) {
        super(new byte[capacityBytes]);
    }

    @Override
    public boolean isExpandable() {
        return true;
    }

    @Override
    public void putBytes(int index, DirectBuffer srcBuffer, int srcIndex, int length) {
        int kept = Math.min(length, capacity() - index);
        if (kept > 0) {
            super.putBytes(index, srcBuffer, srcIndex, kept);
        }
    }
}
