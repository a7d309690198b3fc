package io.ringcast.broadcast.record;

import io.ringcast.broadcast.media.flv.FlvHeader;
import io.ringcast.broadcast.media.flv.FlvTag;
import io.ringcast.broadcast.media.flv.OnMetaData;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Packs FLV file headers and whole tags into the chunks of a {@link ChunkPipe}, on the recording's tap thread.
 * A tag that fits in a chunk never straddles two, so every {@code write} the writer makes ends at a tag boundary
 * and a killed process leaves a file that ends cleanly; only a tag larger than a chunk is spread over several.
 * Each chunk also says where its last whole tag ends, so that the writer can cut a file that an error interrupted
 * back to a whole tag.
 * Allocation-free. Each method returns false when no chunk is free (the writer is behind by the whole pool):
 * the recording must then stop.
 */
final class TagAppender {
    private final ChunkPipe pipe;
    private final UnsafeBuffer bodyView = new UnsafeBuffer(0, 0);
    private WriteChunk current;
    /** Whether a chunk went to the writer without a force since the last forced one. */
    private boolean unforced;
    /** The metadata body last appended, and where its duration value lies in it (-1: none); found once per body. */
    private byte[] metadataBody;
    private int durationOffsetInBody = -1;

    TagAppender(ChunkPipe pipe) {
        this.pipe = pipe;
    }

    /**
     * Starts a new file (the writer closes the previous one) with the FLV header and PreviousTagSize0.
     *
     * @param startEpochMs wall-clock start that names the file
     */
    boolean startFile(long startEpochMs, boolean hasAudio, boolean hasVideo) {
        if (current != null && current.length > 0) {
            send(false);
        }
        if (current == null && (current = pipe.acquire()) == null) {
            return false;
        }
        current.startsFile = true;
        current.fileStartEpochMs = startEpochMs;
        current.length = FlvHeader.write(current.view, 0, hasAudio, hasVideo);
        current.lastTagEnd = current.length;
        current.lastTagTimestampMs = 0;
        return true;
    }

    /**
     * Appends an onMetaData script tag with its duration cleared (see {@link OnMetaData}). The duration is looked up
     * through AMF0 once per metadata body (which allocates), not again for each file of a rotation.
     */
    boolean appendMetadata(byte[] body) {
        int tagBytes = body.length + FlvTag.OVERHEAD_BYTES;
        if (tagBytes > pipe.chunkBytes()) {
            return appendTag(FlvTag.TYPE_SCRIPT, 0, body);
        }
        if (!ensureSpace(tagBytes)) {
            return false;
        }
        if (body != metadataBody) {
            metadataBody = body;
            bodyView.wrap(body);
            durationOffsetInBody = OnMetaData.durationOffset(bodyView, 0, body.length);
        }
        int bodyOffset = current.length + FlvTag.HEADER_BYTES;
        appendTag(FlvTag.TYPE_SCRIPT, 0, body);
        current.durationValueOffset = -1;
        if (durationOffsetInBody >= 0) {
            current.durationValueOffset = bodyOffset + durationOffsetInBody;
            OnMetaData.putDuration(current.view, current.durationValueOffset, 0.0);
        }
        return true;
    }

    /** Appends a tag whose body is a whole array (metadata, sequence headers). */
    boolean appendTag(int type, long timestampMs, byte[] body) {
        bodyView.wrap(body);
        return appendTag(type, timestampMs, bodyView, 0, body.length);
    }

    /** Appends a tag: header, {@code body[offset, offset + length)} copied, PreviousTagSize. */
    boolean appendTag(int type, long timestampMs, DirectBuffer body, int offset, int length) {
        int tagBytes = length + FlvTag.OVERHEAD_BYTES;
        if (!ensureSpace(Math.min(tagBytes, pipe.chunkBytes()))) {
            return false;
        }
        FlvTag.putHeader(current.view, current.length, type, length, timestampMs);
        current.length += FlvTag.HEADER_BYTES;
        int copied = 0;
        while (copied < length) {
            if (current.remaining() == 0 && !nextChunk()) {
                return false;
            }
            int n = Math.min(current.remaining(), length - copied);
            current.view.putBytes(current.length, body, offset + copied, n);
            current.length += n;
            copied += n;
        }
        if (!ensureSpace(FlvTag.PREVIOUS_TAG_SIZE_BYTES)) {
            return false;
        }
        FlvTag.putPreviousTagSize(current.view, current.length, length);
        current.length += FlvTag.PREVIOUS_TAG_SIZE_BYTES;
        current.lastTagEnd = current.length;
        current.lastTagTimestampMs = timestampMs;
        return true;
    }

    /**
     * Hands what is buffered to the writer and asks it to force the file, so that a crash loses nothing appended
     * so far; does nothing when everything is forced already.
     */
    boolean flush() {
        if (current != null && current.length > 0) {
            send(true);
            return true;
        }
        if (!unforced) {
            return true;
        }
        if (current == null && (current = pipe.acquire()) == null) {
            return false;
        }
        send(true);
        return true;
    }

    /** Flushes and tells the writer that nothing follows; the last call. */
    boolean close() {
        boolean flushed = flush();
        pipe.close();
        return flushed;
    }

    /** Ends without flushing (the writer is behind or failed); the last call. */
    void abandon() {
        pipe.close();
    }

    private boolean ensureSpace(int bytes) {
        if (current != null && current.remaining() >= bytes) {
            return true;
        }
        return nextChunk();
    }

    private boolean nextChunk() {
        if (current != null && current.length > 0) {
            send(false);
        }
        if (current == null) {
            current = pipe.acquire();
        }
        return current != null;
    }

    private void send(boolean force) {
        current.force = force;
        pipe.send(current);
        current = null;
        unforced = !force;
    }
}
