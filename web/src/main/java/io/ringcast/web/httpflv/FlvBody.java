package io.ringcast.web.httpflv;

import io.ringcast.broadcast.media.flv.FlvTag;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.io.IOException;

/**
 * Where an {@link HttpFlvSink}'s bytes go: the servlet stream ({@link ServletFlvBody}, every container) or the
 * container's own channel ({@link ChannelFlvBody}, the embedded server, zero-copy). Worker thread only, inside the
 * sink's guard against the container ending the request. Bytes the output cannot take now are held, in order, and
 * go first once it signals writability; a viewer that keeps up holds none.
 */
interface FlvBody {
    /** Writes held bytes if the output takes them; true when nothing is held and it takes more now. */
    boolean drain() throws IOException;

    /** Where the next bytes are assembled (behind held bytes, or in the thread's scratch); see {@link #send}. */
    MutableDirectBuffer assemblyTarget();

    /** Offset in {@code target} (from {@link #assemblyTarget()}) at which the next bytes are assembled. */
    int assemblyStart(MutableDirectBuffer target);

    /** Sends the bytes assembled in {@code target} up to {@code end}, or holds them. */
    void send(MutableDirectBuffer target, int end) throws IOException;

    /** Sends one frame as an FLV tag around its payload, which lies in the track's ring (see FrameSink#writeFrame). */
    void sendTag(int tagType, long timestampMs, DirectBuffer payload, int offset, int length) throws IOException;

    /** {@link #sendTag} by a copy: the whole tag assembled in the {@link #assemblyTarget()}, then {@link #send}. */
    default void sendTagCopied(int tagType, long timestampMs, DirectBuffer payload, int offset, int length)
            throws IOException {
        MutableDirectBuffer target = assemblyTarget();
        int at = assemblyStart(target);
        FlvTag.putHeader(target, at, tagType, length, timestampMs);
        target.putBytes(at + FlvTag.HEADER_BYTES, payload, offset, length);
        FlvTag.putPreviousTagSize(target, at + FlvTag.HEADER_BYTES + length, length);
        send(target, at + length + FlvTag.OVERHEAD_BYTES);
    }

    /** Pushes what the output buffers towards the network at the end of a batch. */
    void flush() throws IOException;

    /** A short whole body (the 404 of a stream that closed before delivering); nothing was sent before it. */
    void answer(byte[] body) throws IOException;

    /** Bytes handed to the output so far. */
    long bytesWritten();

    /** Bytes held because the output was not ready for them. */
    int heldBytes();
}
