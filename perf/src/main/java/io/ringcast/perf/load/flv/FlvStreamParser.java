package io.ringcast.perf.load.flv;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Parses a live FLV byte stream arriving in any pieces: the file header, then tag after tag. Each audio and video
 * tag is delivered once its last body byte has arrived, with only the first {@code prefixBytes} of its body copied;
 * the rest of a body is skipped by counting. One per connection, on its owning thread; allocation-free after
 * construction.
 * <p>
 * Deliberately independent of the server's FLV code ({@code io.ringcast.broadcast.media.flv}): it checks the stream
 * that code writes (tag framing, sizes, timestamps), so sharing it would hide a writer bug from the very client that
 * measures the server; and it reads headers split across arbitrary network pieces, which the server never needs.
 * <pre>
 *  | 'FLV' version flags data-offset (9) | PreviousTagSize0 (4) | tag header (11) | body | PreviousTagSize (4) | ...
 *  tag header: | type (8) | data size (24) | timestamp (24) | timestamp extended (8) | stream id (24) |
 * </pre>
 */
public final class FlvStreamParser implements ChunkedBodyDecoder.Sink {
    public static final int TYPE_AUDIO = 8;
    public static final int TYPE_VIDEO = 9;

    private static final int FILE_HEADER_LENGTH = 9;
    private static final int DATA_OFFSET_OFFSET = 5;
    private static final int TAG_HEADER_LENGTH = 11;
    private static final int PREVIOUS_TAG_SIZE_LENGTH = 4;
    private static final int TAG_TYPE_MASK = 0x1F;
    private static final int DATA_SIZE_OFFSET = 1;
    private static final int TIMESTAMP_OFFSET = 4;
    private static final int TIMESTAMP_EXTENDED_OFFSET = 7;
    private static final int MAX_EXTRA_HEADER_BYTES = 1 << 16;

    /** Receives complete media tags. */
    public interface Listener {
        /**
         * @param prefix       the body's first {@code prefixLength} bytes from index 0, valid only during the call
         * @param bodyLength   the whole body length
         */
        void onTag(int tagType, long timestampMs, DirectBuffer prefix, int prefixLength, int bodyLength);
    }

    private enum State { FILE_HEADER, SKIP, TAG_HEADER, BODY }

    private final Listener listener;
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[TAG_HEADER_LENGTH]);
    private final UnsafeBuffer prefix;
    private State state = State.FILE_HEADER;
    private int headerFilled;
    private long skipRemaining;
    private int tagType;
    private long timestampMs;
    private int bodyLength;
    private int bodyReceived;
    private long tags;

    /** @param prefixBytes body bytes kept per tag for the listener */
    public FlvStreamParser(Listener listener, int prefixBytes) {
        this.listener = listener;
        this.prefix = new UnsafeBuffer(new byte[prefixBytes]);
    }

    /** Tags parsed so far, of every type. */
    public long tags() {
        return tags;
    }

    /**
     * Stream bytes that complete the unit in progress, the units a simple player reads one by one: the file header
     * with PreviousTagSize0 (13 bytes, more if the header's data offset says so), each tag header (11), each body
     * with the PreviousTagSize behind it. Always positive.
     */
    public int bytesToUnitEnd() {
        return switch (state) {
            case FILE_HEADER -> FILE_HEADER_LENGTH - headerFilled + PREVIOUS_TAG_SIZE_LENGTH;
            case SKIP -> (int) skipRemaining;
            case TAG_HEADER -> TAG_HEADER_LENGTH - headerFilled;
            case BODY -> bodyLength - bodyReceived + PREVIOUS_TAG_SIZE_LENGTH;
        };
    }

    /**
     * Consumes stream bytes.
     *
     * @throws StreamFormatException if the stream does not start with an FLV header
     */
    @Override
    public void onData(DirectBuffer buffer, int offset, int length) {
        int position = offset;
        int end = offset + length;
        while (position < end) {
            switch (state) {
                case FILE_HEADER, TAG_HEADER -> position = fillHeader(buffer, position, end);
                case SKIP -> {
                    int count = (int) Math.min(skipRemaining, end - position);
                    position += count;
                    skipRemaining -= count;
                    if (skipRemaining == 0) {
                        state = State.TAG_HEADER;
                    }
                }
                default -> position = readBody(buffer, position, end);
            }
        }
    }

    private int fillHeader(DirectBuffer buffer, int position, int end) {
        int needed = state == State.FILE_HEADER ? FILE_HEADER_LENGTH : TAG_HEADER_LENGTH;
        int count = Math.min(needed - headerFilled, end - position);
        buffer.getBytes(position, header, headerFilled, count);
        headerFilled += count;
        if (headerFilled == needed) {
            headerFilled = 0;
            if (state == State.FILE_HEADER) {
                onFileHeader();
            } else {
                onTagHeader();
            }
        }
        return position + count;
    }

    private void onFileHeader() {
        if (header.getByte(0) != 'F' || header.getByte(1) != 'L' || header.getByte(2) != 'V') {
            throw new StreamFormatException("the body is no FLV stream");
        }
        long extraHeaderBytes = uint32(DATA_OFFSET_OFFSET) - FILE_HEADER_LENGTH;
        if (extraHeaderBytes < 0 || extraHeaderBytes > MAX_EXTRA_HEADER_BYTES) {
            throw new StreamFormatException("bad FLV data offset");
        }
        skipRemaining = extraHeaderBytes + PREVIOUS_TAG_SIZE_LENGTH;
        state = State.SKIP;
    }

    private void onTagHeader() {
        tagType = header.getByte(0) & TAG_TYPE_MASK;
        bodyLength = uint24(DATA_SIZE_OFFSET);
        timestampMs = uint24(TIMESTAMP_OFFSET) | (long) (header.getByte(TIMESTAMP_EXTENDED_OFFSET) & 0xFF) << 24;
        bodyReceived = 0;
        state = State.BODY;
        if (bodyLength == 0) {
            endBody();
        }
    }

    private int readBody(DirectBuffer buffer, int position, int end) {
        int count = Math.min(bodyLength - bodyReceived, end - position);
        int kept = Math.min(count, prefix.capacity() - bodyReceived);
        if (kept > 0) {
            buffer.getBytes(position, prefix, bodyReceived, kept);
        }
        bodyReceived += count;
        if (bodyReceived == bodyLength) {
            endBody();
        }
        return position + count;
    }

    private void endBody() {
        tags++;
        if (tagType == TYPE_AUDIO || tagType == TYPE_VIDEO) {
            listener.onTag(tagType, timestampMs, prefix, Math.min(bodyLength, prefix.capacity()), bodyLength);
        }
        skipRemaining = PREVIOUS_TAG_SIZE_LENGTH;
        state = State.SKIP;
    }

    private int uint24(int offset) {
        return (header.getByte(offset) & 0xFF) << 16 | (header.getByte(offset + 1) & 0xFF) << 8
                | (header.getByte(offset + 2) & 0xFF);
    }

    private long uint32(int offset) {
        return ((long) uint24(offset) << 8) | (header.getByte(offset + 3) & 0xFF);
    }
}
