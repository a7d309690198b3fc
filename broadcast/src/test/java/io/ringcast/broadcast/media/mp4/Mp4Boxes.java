package io.ringcast.broadcast.media.mp4;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A test-side ISO BMFF reader, written from the spec independently of the writers: walks boxes and finds them by
 * path ({@code "moov/trak/mdia/mdhd"}).
 */
public final class Mp4Boxes {
    /** Boxes whose payload is nothing but child boxes (after {@code skip} bytes of their own fields). */
    private static final List<String> CONTAINERS = List.of("moov", "trak", "mdia", "minf", "dinf", "stbl", "mvex",
            "moof", "traf");

    /** One box: where it starts, its total size, its type. */
    public record Box(String type, int offset, int size) {
        public int payload() {
            return offset + 8;
        }

        public int end() {
            return offset + size;
        }
    }

    private Mp4Boxes() {
    }

    /** The boxes one after another in {@code [from, to)}; fails on a size that overruns. */
    public static List<Box> children(byte[] b, int from, int to) {
        List<Box> out = new ArrayList<>();
        int at = from;
        while (at < to) {
            if (at + 8 > to) {
                throw new AssertionError("truncated box header at " + at);
            }
            int size = ByteBuffer.wrap(b, at, 4).getInt();
            String type = new String(b, at + 4, 4, StandardCharsets.US_ASCII);
            if (size < 8 || at + size > to) {
                throw new AssertionError("box " + type + " at " + at + " has size " + size + " past " + to);
            }
            out.add(new Box(type, at, size));
            at += size;
        }
        return out;
    }

    public static List<Box> top(byte[] b) {
        return children(b, 0, b.length);
    }

    /** Every box at {@code path} (slash-separated types), descending through containers. */
    public static List<Box> find(byte[] b, String path) {
        List<Box> level = top(b);
        String[] parts = path.split("/");
        List<Box> matches = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            matches = new ArrayList<>();
            for (Box box : level) {
                if (box.type().equals(parts[i])) {
                    matches.add(box);
                }
            }
            if (i < parts.length - 1) {
                List<Box> next = new ArrayList<>();
                for (Box m : matches) {
                    if (!CONTAINERS.contains(m.type())) {
                        throw new AssertionError(m.type() + " is not a container");
                    }
                    next.addAll(children(b, m.payload(), m.end()));
                }
                level = next;
            }
        }
        return matches;
    }

    public static Box one(byte[] b, String path) {
        List<Box> all = find(b, path);
        if (all.size() != 1) {
            throw new AssertionError("expected one " + path + ", found " + all.size());
        }
        return all.get(0);
    }

    public static int u32(byte[] b, int at) {
        return ByteBuffer.wrap(b, at, 4).getInt();
    }

    public static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    public static long u64(byte[] b, int at) {
        return ByteBuffer.wrap(b, at, 8).getLong();
    }

    public static String fourCc(byte[] b, int at) {
        return new String(b, at, 4, StandardCharsets.US_ASCII);
    }
}
