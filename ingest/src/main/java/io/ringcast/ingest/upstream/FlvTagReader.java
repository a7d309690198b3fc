package io.ringcast.ingest.upstream;

import io.ringcast.broadcast.media.MediaFormatException;
import io.ringcast.broadcast.media.flv.FlvHeader;
import io.ringcast.broadcast.media.flv.FlvTag;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.ingest.RtmpProtocolException;
import io.ringcast.ingest.chunk.MessageHeader;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.chunk.PayloadTarget;
import io.ringcast.ingest.publish.MediaIngest;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteOrder;

/**
 * Reads an FLV stream (FLV spec v10.1, annex E) from an HTTP response body and feeds its tags to the media ingest,
 * as the RTMP path feeds its messages: audio and video bodies are read straight into the region
 * {@link MediaIngest#onMediaStart} reserved in the track ring, then published with {@link MediaIngest#onMedia};
 * script data (onMetaData) goes to {@link MediaIngest#onData}. Owned by the pull's thread.
 *
 * <pre>
 *  | FLV header (9..data offset) | PreviousTagSize0 = 0 | tag | PreviousTagSize = 11 + n | tag | ...
 *  tag: | type 8/9/18 | data size n (24b) | timestamp (24b) | ts extended | stream id = 0 (24b) | body (n) |
 * </pre>
 *
 * <p>Memory follows the bytes that arrive, never a declared length: a media body goes into the ring (whose size
 * bounds it), a script body into a buffer that grows as its bytes come (up to {@link #MAX_SCRIPT_BYTES}; larger ones
 * are read past). Nothing is allocated per tag. Every malformed byte ends the pull with an {@link UpstreamException}
 * naming it and its position in the FLV stream.
 */
public final class FlvTagReader implements HttpResponseReader.ReadObserver {
    /** Script data tags larger than this are skipped. */
    public static final int MAX_SCRIPT_BYTES = 64 * 1024;
    /** The largest FLV data offset accepted (a header with more than a few unknown bytes is not an FLV stream). */
    static final int MAX_DATA_OFFSET = 1024;
    /** FLV tags carry no chunk stream: one per track keys the message in progress in the media ingest. */
    private static final int AUDIO_CHUNK_STREAM_ID = 4;
    private static final int VIDEO_CHUNK_STREAM_ID = 6;
    private static final int MESSAGE_STREAM_ID = 1;
    private static final int STREAM_ID_OFFSET = 8;
    private static final int SKIP_PIECE_BYTES = 4096;
    private static final int MIN_SCRIPT_CAPACITY = 256;

    private final PullTarget target;
    private final NanoClock clock;
    private final MessageHeader header = new MessageHeader();
    private final PayloadTarget payload = new PayloadTarget();
    /** Tag headers, the FLV header and PreviousTagSize fields, and skipped bytes pass through here. */
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[SKIP_PIECE_BYTES]);
    private UnsafeBuffer script = new UnsafeBuffer(new byte[0]);
    private HttpResponseReader body;
    private MediaIngest ingest;
    private long tags;

    public FlvTagReader(PullTarget target, NanoClock clock) {
        this.target = target;
        this.clock = clock;
    }

    /** Per read: the relay counts the bytes, the ingest learns the publisher is alive and when frames arrived. */
    @Override
    public void bytesRead(int bytes) {
        target.bytesRead(bytes);
        MediaIngest in = ingest;
        if (in != null) {
            in.readAt(clock.nanoTime());
        }
    }

    /** Tags read so far. */
    public long tags() {
        return tags;
    }

    /**
     * Reads the FLV header, then tags until the body ends at a tag boundary after at least one tag (a clean end:
     * returns normally). Calls {@link PullTarget#live()} when the first tag header arrived.
     *
     * @throws UpstreamException for a malformed byte, naming it and where, or a body that ends inside a tag
     */
    public void read(HttpResponseReader response) throws IOException {
        this.body = response;
        readHeader();
        if (!readFullyOrEnd(FlvTag.HEADER_BYTES)) {
            throw new UpstreamException("upstream ended the stream before its first FLV tag");
        }
        do {
            long at = body.bodyBytes() - FlvTag.HEADER_BYTES;
            int type = scratch.getByte(0) & 0xFF;
            int size = FlvTag.dataSize(scratch, 0);
            long timestampMs = FlvTag.timestampMs(scratch, 0);
            if (type != FlvTag.TYPE_AUDIO && type != FlvTag.TYPE_VIDEO && type != FlvTag.TYPE_SCRIPT) {
                throw new UpstreamException("unknown FLV tag type 0x" + Integer.toHexString(type) + " at FLV byte "
                        + at);
            }
            if (getInt24(STREAM_ID_OFFSET) != 0) {
                throw new UpstreamException("FLV tag stream id not 0 at FLV byte " + at);
            }
            if (ingest == null) {
                ingest = target.live();
                ingest.readAt(clock.nanoTime());
            }
            try {
                if (type == FlvTag.TYPE_SCRIPT) {
                    readScript(size);
                } else {
                    readMedia(type, size, timestampMs);
                }
            } catch (MediaFormatException | RtmpProtocolException e) {
                throw new UpstreamException("bad " + typeName(type) + " tag at FLV byte " + at + ": "
                        + e.getMessage(), e);
            }
            readFully(FlvTag.PREVIOUS_TAG_SIZE_BYTES, "PreviousTagSize");
            long previousTagSize = scratch.getInt(0, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
            if (previousTagSize != FlvTag.HEADER_BYTES + size) {
                throw new UpstreamException("PreviousTagSize " + previousTagSize + " does not match the tag of "
                        + (FlvTag.HEADER_BYTES + size) + " bytes at FLV byte " + at);
            }
            tags++;
        } while (readFullyOrEnd(FlvTag.HEADER_BYTES));
    }

    private void readHeader() throws IOException {
        if (!readFullyOrEnd(FlvHeader.HEADER_BYTES)) {
            throw new UpstreamException("upstream answered 200 with an empty body, no FLV header");
        }
        if (!FlvHeader.hasSignature(scratch, 0)) {
            throw new UpstreamException("not an FLV stream: the body starts with bytes " + hex(0, 3)
                    + " instead of 'FLV'");
        }
        int version = scratch.getByte(3) & 0xFF;
        if (version != FlvHeader.VERSION) {
            throw new UpstreamException("unsupported FLV version " + version);
        }
        long dataOffset = FlvHeader.dataOffset(scratch, 0);
        if (dataOffset < FlvHeader.HEADER_BYTES || dataOffset > MAX_DATA_OFFSET) {
            throw new UpstreamException("FLV data offset " + dataOffset + " outside " + FlvHeader.HEADER_BYTES
                    + ".." + MAX_DATA_OFFSET);
        }
        skip((int) dataOffset - FlvHeader.HEADER_BYTES, "FLV header");
        readFully(FlvTag.PREVIOUS_TAG_SIZE_BYTES, "PreviousTagSize0");
        if (scratch.getInt(0) != 0) {
            throw new UpstreamException("PreviousTagSize0 not 0 but " + hex(0, 4) + " at FLV byte " + dataOffset);
        }
    }

    private void readMedia(int type, int size, long timestampMs) throws IOException {
        boolean video = type == FlvTag.TYPE_VIDEO;
        header.set(video ? VIDEO_CHUNK_STREAM_ID : AUDIO_CHUNK_STREAM_ID, timestampMs, size,
                video ? MessageTypeIds.VIDEO : MessageTypeIds.AUDIO, MESSAGE_STREAM_ID);
        payload.reset();
        if (!ingest.onMediaStart(header, payload)) {
            skip(size, typeName(type) + " tag body");
            return;
        }
        int offset = payload.offset();
        int filled = 0;
        while (filled < size) {
            int n = body.readBody(payload.buffer(), offset + filled, size - filled);
            if (n < 0) {
                throw ended(typeName(type) + " tag body");
            }
            filled += n;
        }
        ingest.onMedia(header, payload.buffer(), offset, size);
    }

    /** Reads a script tag into a buffer grown by the bytes that arrive; hands onMetaData to the ingest. */
    private void readScript(int size) throws IOException {
        if (size > MAX_SCRIPT_BYTES) {
            skip(size, "script tag body");
            return;
        }
        int filled = 0;
        while (filled < size) {
            int piece = Math.min(size - filled, SKIP_PIECE_BYTES);
            if (script.capacity() < filled + piece) {
                growScript(filled + piece, filled);
            }
            int n = body.readBody(script, filled, piece);
            if (n < 0) {
                throw ended("script tag body");
            }
            filled += n;
        }
        ingest.onData(script, 0, size);
    }

    private void growScript(int needed, int keep) {
        int capacity = Math.min(MAX_SCRIPT_BYTES, BitUtil.findNextPositivePowerOfTwo(
                Math.max(needed, MIN_SCRIPT_CAPACITY)));
        byte[] grown = new byte[capacity];
        script.getBytes(0, grown, 0, keep);
        script = new UnsafeBuffer(grown);
    }

    /** Reads past {@code count} bytes, through the scratch buffer. */
    private void skip(int count, String what) throws IOException {
        int left = count;
        while (left > 0) {
            int n = body.readBody(scratch, 0, Math.min(left, scratch.capacity()));
            if (n < 0) {
                throw ended(what);
            }
            left -= n;
        }
    }

    private void readFully(int count, String what) throws IOException {
        if (!readFullyOrEnd(count)) {
            throw ended(what);
        }
    }

    /** Reads {@code count} bytes into the scratch buffer; false when the body ended before the first of them. */
    private boolean readFullyOrEnd(int count) throws IOException {
        int filled = 0;
        while (filled < count) {
            int n = body.readBody(scratch, filled, count - filled);
            if (n < 0) {
                if (filled == 0) {
                    return false;
                }
                throw ended(count == FlvTag.HEADER_BYTES ? "FLV tag header" : "FLV header");
            }
            filled += n;
        }
        return true;
    }

    private UpstreamException ended(String what) {
        return new UpstreamException("upstream ended the stream inside the " + what + " at FLV byte "
                + body.bodyBytes());
    }

    private int getInt24(int offset) {
        return ((scratch.getByte(offset) & 0xFF) << 16) | ((scratch.getByte(offset + 1) & 0xFF) << 8)
                | (scratch.getByte(offset + 2) & 0xFF);
    }

    private String hex(int offset, int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append(i == 0 ? "" : " ").append(String.format("%02x", scratch.getByte(offset + i) & 0xFF));
        }
        return out.toString();
    }

    private static String typeName(int type) {
        return switch (type) {
            case FlvTag.TYPE_AUDIO -> "audio";
            case FlvTag.TYPE_VIDEO -> "video";
            default -> "script";
        };
    }
}
