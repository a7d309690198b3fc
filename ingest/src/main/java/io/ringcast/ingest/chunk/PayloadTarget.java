package io.ringcast.ingest.chunk;

import org.agrona.MutableDirectBuffer;

/**
 * Where the chunk decoder writes the payload of the message being started; a single reusable instance owned by
 * the decoder's thread, reset before each {@link ChunkListener#onMessageStart} call.
 * <p>
 * A listener that {@link #wrap}s it hands the decoder a region of {@code messageLength} bytes at
 * {@code offset} in a buffer of its own (e.g. a ring slot), and the payload lands there with no further copy.
 * A listener that leaves it unset lets the decoder use its own per-chunk-stream scratch buffer, which grows with
 * the bytes that arrive, within the connection's and the server's budgets for partial messages.
 */
public final class PayloadTarget {
    private MutableDirectBuffer buffer;
    private int offset;

    /**
     * An unset target. The chunk decoder owns one; a message source that is not a chunk stream (the HTTP-FLV pull
     * client) owns one too, {@link #reset}s it before each message, and writes the payload where the listener
     * pointed it ({@link #buffer()}, {@link #offset()}).
     */
    public PayloadTarget() {
    }

    /**
     * Points the payload at {@code buffer[offset, offset + messageLength)}; the region must stay reserved for
     * the decoder until {@link ChunkListener#onMessage} or {@link ChunkListener#onMessageAborted} for this
     * message. A non-expandable buffer must have the capacity.
     *
     * @param buffer destination buffer.
     * @param offset index of the first payload byte.
     */
    public void wrap(final MutableDirectBuffer buffer, final int offset) {
        if (buffer == null || offset < 0) {
            throw new IllegalArgumentException("bad payload target offset=" + offset);
        }
        this.buffer = buffer;
        this.offset = offset;
    }

    /**
     * @return true if the listener chose a destination.
     */
    public boolean isSet() {
        return buffer != null;
    }

    /** The buffer the listener chose, or null when it chose none. */
    public MutableDirectBuffer buffer() {
        return buffer;
    }

    /** Index in {@link #buffer()} of the first payload byte. */
    public int offset() {
        return offset;
    }

    /** Unsets the target, before the next message starts. */
    public void reset() {
        buffer = null;
        offset = 0;
    }
}
