package io.ringcast.ingest.flv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test helper that walks an FLV file: 9-byte header, then PreviousTagSize and 11-byte tag headers. */
final class FlvFile {
    static final int TAG_AUDIO = 8;
    static final int TAG_VIDEO = 9;
    private static final int FILE_HEADER_LENGTH = 9;
    private static final int PREVIOUS_TAG_SIZE_LENGTH = 4;
    private static final int TAG_HEADER_LENGTH = 11;

    record Tag(int type, int timestampMs, byte[] body) {
    }

    private FlvFile() {
    }

    static List<Tag> read(final String resource) throws IOException {
        final byte[] file;
        try (InputStream in = FlvFile.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing resource " + resource);
            }
            file = in.readAllBytes();
        }
        if (file[0] != 'F' || file[1] != 'L' || file[2] != 'V') {
            throw new IOException("not an FLV file: " + resource);
        }
        final ByteBuffer bytes = ByteBuffer.wrap(file);
        final List<Tag> tags = new ArrayList<>();
        int position = FILE_HEADER_LENGTH + PREVIOUS_TAG_SIZE_LENGTH;
        while (position + TAG_HEADER_LENGTH <= file.length) {
            final int type = file[position] & 0x1F;
            final int dataSize = bytes.getInt(position) & 0xFFFFFF;
            final int timestamp = (bytes.getInt(position + 3) >>> 8) | ((file[position + 7] & 0xFF) << 24);
            final int bodyStart = position + TAG_HEADER_LENGTH;
            tags.add(new Tag(type, timestamp, Arrays.copyOfRange(file, bodyStart, bodyStart + dataSize)));
            position = bodyStart + dataSize + PREVIOUS_TAG_SIZE_LENGTH;
        }
        return tags;
    }

    static Tag first(final List<Tag> tags, final int type) {
        return tags.stream().filter(t -> t.type() == type).findFirst().orElseThrow();
    }
}
