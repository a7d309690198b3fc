package io.ringcast.broadcast.auth;

import io.ringcast.broadcast.stream.StreamPath;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The publishing key of each room (livego's model): publishers use the key as the stream name, viewers the room
 * name, so viewers never learn a key. Keys are 192 bits from {@link SecureRandom}, compared in constant time.
 *
 * <p>A room is one stream, {@code app/name}. A room written without an app, as livego's API has them, belongs to
 * livego's app {@value #DEFAULT_APP}: {@code hall} and {@code live/hall} are one room, stored as {@code hall}; a
 * room of another app is written and stored with it, {@code studio/hall}. A key publishes only its own room.
 *
 * <p>Persistence: every change rewrites the file atomically (write a temporary file, fsync it, rename it over the
 * old one, fsync the directory), so a crash at any moment leaves either the old or the new file, never a torn one.
 * Thread-safe: changes are serialised; lookups read an immutable snapshot.
 */
public final class StreamKeys implements RoomKeys {
    /** 24 random bytes, written as 48 lower-case hex characters. */
    public static final int KEY_BYTES = 24;
    /** The app of rooms named without one (livego's rooms all belong to its app "live"). */
    public static final String DEFAULT_APP = "live";
    private static final Pattern LINE = Pattern.compile("([^=]+)=([0-9a-f]{" + 2 * KEY_BYTES + "})");
    private static final HexFormat HEX = HexFormat.of();

    private final Path file;
    private final SecureRandom random = new SecureRandom();
    private volatile Map<String, String> keysByRoom;

    private StreamKeys(Path file, Map<String, String> keysByRoom) {
        this.file = file;
        this.keysByRoom = keysByRoom;
    }

    /** Loads the keys file (an absent file is an empty store); a malformed line fails naming the line. */
    public static StreamKeys load(Path file) throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        try {
            int lineNumber = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNumber++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                var m = LINE.matcher(line.strip());
                if (!m.matches() || !isRoom(m.group(1))) {
                    throw new IOException(file + ":" + lineNumber + ": not a room=key line");
                }
                keys.put(canonicalRoom(m.group(1)), m.group(2));
            }
        } catch (NoSuchFileException e) {
            // no keys yet
        }
        return new StreamKeys(file, Collections.unmodifiableMap(keys));
    }

    /** Every room and its key, as stored (for the one-shot import into Redis); an immutable snapshot. */
    public Map<String, String> keysByRoom() {
        return keysByRoom;
    }

    /** The room's key, created (and persisted) if the room has none. */
    @Override
    public synchronized String getOrCreate(String room) throws IOException {
        String key = keysByRoom.get(canonicalRoom(room));
        return key != null ? key : reset(room);
    }

    /** Gives the room a new key (the old one stops working at once) and persists it. */
    @Override
    public synchronized String reset(String room) throws IOException {
        Map<String, String> next = new LinkedHashMap<>(keysByRoom);
        String key = newKey(random);
        next.put(canonicalRoom(room), key);
        persist(next);
        return key;
    }

    /** Deletes the room's key; false if it had none. */
    @Override
    public synchronized boolean delete(String room) throws IOException {
        String stored = canonicalRoom(room);
        if (!keysByRoom.containsKey(stored)) {
            return false;
        }
        Map<String, String> next = new LinkedHashMap<>(keysByRoom);
        next.remove(stored);
        persist(next);
        return true;
    }

    /**
     * The room whose key this is, comparing against every key in constant time per key (the comparison does not
     * stop at the first match, so timing does not tell which room matched).
     */
    @Override
    public Optional<String> roomForKey(String candidate) {
        byte[] candidateBytes = candidate.getBytes(StandardCharsets.US_ASCII);
        String found = null;
        for (Map.Entry<String, String> e : keysByRoom.entrySet()) {
            if (MessageDigest.isEqual(candidateBytes, e.getValue().getBytes(StandardCharsets.US_ASCII))) {
                found = e.getKey();
            }
        }
        return Optional.ofNullable(found);
    }

    /** The stream a stored room names: {@code app/name}, or {@value #DEFAULT_APP}{@code /room}. */
    public static StreamPath streamOf(String room) {
        return room.indexOf('/') < 0 ? new StreamPath(DEFAULT_APP, room) : StreamPath.parse(room);
    }

    /** The room's key, if any (for the admin API). */
    @Override
    public Optional<String> keyOf(String room) {
        return Optional.ofNullable(keysByRoom.get(canonicalRoom(room)));
    }

    public Path file() {
        return file;
    }

    /** Whether {@code room} is a room (see {@link #canonicalRoom}). */
    public static boolean isRoom(String room) {
        try {
            canonicalRoom(room);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A new key: {@value #KEY_BYTES} bytes from {@code random}, as lower-case hex. */
    public static String newKey(SecureRandom random) {
        byte[] bytes = new byte[KEY_BYTES];
        random.nextBytes(bytes);
        return HEX.formatHex(bytes);
    }

    /**
     * Whether {@code candidate} has the shape of a key ({@value #KEY_BYTES} bytes as lower-case hex), so a lookup
     * can refuse anything else before touching a store.
     */
    public static boolean isKeyShaped(String candidate) {
        if (candidate == null || candidate.length() != 2 * KEY_BYTES) {
            return false;
        }
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * A room as stored: {@code name} for app {@value #DEFAULT_APP}, else {@code app/name}; each part follows the
     * stream name rule (viewers watch app/room).
     */
    public static String canonicalRoom(String room) {
        StreamPath path;
        try {
            path = room != null && room.indexOf('/') < 0 ? new StreamPath(DEFAULT_APP, room) : StreamPath.parse(room);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("room must be name or app/name, each 1-" + StreamPath.MAX_PART_LENGTH
                    + " characters of A-Z a-z 0-9 _ . - and not . or ..");
        }
        return path.app().equals(DEFAULT_APP) ? path.name() : path.toString();
    }

    private void persist(Map<String, String> next) throws IOException {
        StringBuilder text = new StringBuilder("# ringcast stream keys: room=key (written atomically; do not edit "
                + "while the server runs)\n");
        next.forEach((room, key) -> text.append(room).append('=').append(key).append('\n'));
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + file + " atomically on this file system", e);
            }
            forceDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
        keysByRoom = Collections.unmodifiableMap(next);
    }

    /** Makes the rename durable (POSIX: fsync the directory); a no-op where directories cannot be opened. */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported on this platform: the rename itself is still atomic.
        }
    }
}
