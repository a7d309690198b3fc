package io.ringcast.broadcast.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: the tags of an FLV file as written, checking the framing (header, data offset, PreviousTagSize)
 * and noting a truncated last tag instead of failing on it. Test thread only.
 */
public record FlvFile(int flags, List<Tag> tags, int truncatedBytes) {
    public static final int TYPE_AUDIO = 8;
    public static final int TYPE_VIDEO = 9;
    public static final int TYPE_SCRIPT = 18;
    private static final int HEADER_BYTES = 9;
    private static final int TAG_HEADER_BYTES = 11;
    private static final int PREVIOUS_TAG_SIZE_BYTES = 4;

    /** One tag: type, timestamp and body. */
    public record Tag(int type, long timestampMs, byte[] body) {
        public boolean isVideoKeyframe() {
            return type == TYPE_VIDEO && (body[0] & 0xF0) >> 4 == 1 && body[1] == 1;
        }

        public boolean isSequenceHeader() {
            return (type == TYPE_VIDEO || type == TYPE_AUDIO) && body.length > 1 && body[1] == 0;
        }

        public boolean isMedia() {
            return (type == TYPE_VIDEO || type == TYPE_AUDIO) && !isSequenceHeader();
        }
    }

    public static FlvFile read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        if (b.remaining() < HEADER_BYTES + PREVIOUS_TAG_SIZE_BYTES || b.get(0) != 'F' || b.get(1) != 'L'
                || b.get(2) != 'V' || b.get(3) != 1) {
            throw new AssertionError(file + " does not start with an FLV header");
        }
        int flags = b.get(4);
        if (b.getInt(5) != HEADER_BYTES || b.getInt(HEADER_BYTES) != 0) {
            throw new AssertionError(file + ": data offset " + b.getInt(5) + ", PreviousTagSize0 "
                    + b.getInt(HEADER_BYTES));
        }
        b.position(HEADER_BYTES + PREVIOUS_TAG_SIZE_BYTES);
        List<Tag> tags = new ArrayList<>();
        while (b.hasRemaining()) {
            int start = b.position();
            if (b.remaining() < TAG_HEADER_BYTES) {
                return new FlvFile(flags, tags, b.remaining());
            }
            int type = b.get() & 0x1F;
            int size = u24(b);
            long timestamp = u24(b) | ((long) (b.get() & 0xFF) << 24);
            int streamId = u24(b);
            if (streamId != 0) {
                throw new AssertionError(file + ": stream id " + streamId + " at " + start);
            }
            if (b.remaining() < size + PREVIOUS_TAG_SIZE_BYTES) {
                return new FlvFile(flags, tags, b.limit() - start);
            }
            byte[] body = new byte[size];
            b.get(body);
            int previousTagSize = b.getInt();
            if (previousTagSize != size + TAG_HEADER_BYTES) {
                throw new AssertionError(file + ": PreviousTagSize " + previousTagSize + " after a body of " + size
                        + " at " + start);
            }
            tags.add(new Tag(type, timestamp, body));
        }
        return new FlvFile(flags, tags, 0);
    }

    private static int u24(ByteBuffer b) {
        return ((b.get() & 0xFF) << 16) | ((b.get() & 0xFF) << 8) | (b.get() & 0xFF);
    }

    public List<Tag> media() {
        return tags.stream().filter(Tag::isMedia).toList();
    }

    /** The first media tag (not a sequence header or script). */
    public Tag firstMedia() {
        return media().get(0);
    }

    /** Largest media timestamp minus the smallest, ms. */
    public long spanMs() {
        List<Tag> m = media();
        long min = m.stream().mapToLong(Tag::timestampMs).min().orElse(0);
        long max = m.stream().mapToLong(Tag::timestampMs).max().orElse(0);
        return max - min;
    }

    /** Whether each track's timestamps never go back. */
    public boolean monotonicPerTrack() {
        long[] last = {-1, -1};
        for (Tag t : media()) {
            int i = t.type == TYPE_VIDEO ? 0 : 1;
            if (t.timestampMs < last[i]) {
                return false;
            }
            last[i] = t.timestampMs;
        }
        return true;
    }
}
