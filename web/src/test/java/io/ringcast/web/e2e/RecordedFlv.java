package io.ringcast.web.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tags of an FLV file a test viewer recorded, for checks on what a viewer got: timestamps per track, where the
 * video configuration changed, what came right before. A tag cut off at the end (the recording stopped mid-tag)
 * is left out. Test code; allocates freely.
 */
final class RecordedFlv {
    static final int AUDIO = 8;
    static final int VIDEO = 9;
    static final int SCRIPT = 18;
    private static final int FILE_HEADER_BYTES = 9;
    private static final int PREVIOUS_TAG_SIZE_BYTES = 4;
    private static final int TAG_HEADER_BYTES = 11;

    /** One tag: type, timestamp (ms) and body. */
    record Tag(int type, long timestampMs, byte[] body) {
        boolean isVideoSequenceHeader() {
            return type == VIDEO && body.length > 1 && (body[0] & 0x0f) == 7 && body[1] == 0;
        }

        boolean isVideoKeyframe() {
            return type == VIDEO && body.length > 1 && (body[0] & 0xf0) == 0x10 && body[1] == 1;
        }

        boolean isVideoFrame() {
            return type == VIDEO && body.length > 1 && body[1] == 1;
        }
    }

    private final List<Tag> tags;
    /** Bytes up to the end of the last complete tag. */
    private final int completeBytes;

    private RecordedFlv(List<Tag> tags, int completeBytes) {
        this.tags = tags;
        this.completeBytes = completeBytes;
    }

    /**
     * Copies {@code file} up to its last complete tag (a viewer stopped by the test cuts the last one) to
     * {@code target}, for decoders that would report the cut tag.
     */
    static Path complete(Path file, Path target) throws IOException {
        RecordedFlv flv = read(file);
        byte[] b = Files.readAllBytes(file);
        Files.write(target, Arrays.copyOf(b, flv.completeBytes));
        return target;
    }

    static RecordedFlv read(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        List<Tag> tags = new ArrayList<>();
        if (b.length < FILE_HEADER_BYTES || b[0] != 'F' || b[1] != 'L' || b[2] != 'V') {
            throw new IOException(file + " is no FLV (" + b.length + " bytes)");
        }
        int at = FILE_HEADER_BYTES + PREVIOUS_TAG_SIZE_BYTES;
        while (at + TAG_HEADER_BYTES <= b.length) {
            int type = b[at] & 0x1f;
            int size = u24(b, at + 1);
            long ts = u24(b, at + 4) | ((long) (b[at + 7] & 0xff) << 24);
            int end = at + TAG_HEADER_BYTES + size;
            if (end + PREVIOUS_TAG_SIZE_BYTES > b.length) {
                break;
            }
            tags.add(new Tag(type, ts, Arrays.copyOfRange(b, at + TAG_HEADER_BYTES, end)));
            at = end + PREVIOUS_TAG_SIZE_BYTES;
        }
        return new RecordedFlv(tags, at);
    }

    private static int u24(byte[] b, int at) {
        return ((b[at] & 0xff) << 16) | ((b[at + 1] & 0xff) << 8) | (b[at + 2] & 0xff);
    }

    List<Tag> tags() {
        return tags;
    }

    /** The first place where a track's timestamp went back, or null when each track's never did. */
    String firstTimestampRegression() {
        long[] last = {-1, -1};
        for (int i = 0; i < tags.size(); i++) {
            Tag t = tags.get(i);
            if (t.type() != AUDIO && t.type() != VIDEO) {
                continue;
            }
            int track = t.type() == VIDEO ? 0 : 1;
            if (t.timestampMs() < last[track]) {
                return (track == 0 ? "video" : "audio") + " tag " + i + " at " + t.timestampMs() + " ms after "
                        + last[track] + " ms";
            }
            last[track] = t.timestampMs();
        }
        return null;
    }

    /**
     * Indexes of the video sequence headers that differ from the one before them (the first one included): each
     * is a source change a viewer saw.
     */
    List<Integer> videoConfigurationChanges() {
        List<Integer> changes = new ArrayList<>();
        byte[] current = null;
        for (int i = 0; i < tags.size(); i++) {
            Tag t = tags.get(i);
            if (t.isVideoSequenceHeader() && !Arrays.equals(t.body(), current)) {
                changes.add(i);
                current = t.body();
            }
        }
        return changes;
    }

    /** The first video frame (not a header) at or after tag {@code from}; -1 when none. */
    int nextVideoFrame(int from) {
        for (int i = from; i < tags.size(); i++) {
            if (tags.get(i).isVideoFrame()) {
                return i;
            }
        }
        return -1;
    }

    /** Newest video timestamp recorded so far, -1 when none. */
    long lastVideoTimestampMs() {
        long last = -1;
        for (Tag t : tags) {
            if (t.type() == VIDEO) {
                last = Math.max(last, t.timestampMs());
            }
        }
        return last;
    }
}
