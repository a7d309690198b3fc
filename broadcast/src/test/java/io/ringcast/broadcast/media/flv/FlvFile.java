package io.ringcast.broadcast.media.flv;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/** Test helper that walks an FLV file with {@link FlvTag}'s reader: header, then PreviousTagSize and tags. */
final class FlvFile {

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
        final UnsafeBuffer bytes = new UnsafeBuffer(file);
        final List<Tag> tags = new ArrayList<>();
        int position = FlvHeader.LENGTH;
        while (position + FlvTag.HEADER_BYTES <= file.length) {
            final int dataSize = FlvTag.dataSize(bytes, position);
            final int bodyStart = position + FlvTag.HEADER_BYTES;
            tags.add(new Tag(FlvTag.type(bytes, position), (int) FlvTag.timestampMs(bytes, position),
                Arrays.copyOfRange(file, bodyStart, bodyStart + dataSize)));
            position = bodyStart + dataSize + FlvTag.PREVIOUS_TAG_SIZE_BYTES;
        }
        return tags;
    }

    static Tag first(final List<Tag> tags, final int type) {
        return tags.stream().filter(t -> t.type() == type).findFirst().orElseThrow();
    }
}
