package io.ringcast.ingest.cluster;

import io.ringcast.broadcast.auth.RoomKeys;
import io.ringcast.broadcast.auth.RoomKeysUnavailableException;
import io.ringcast.broadcast.auth.StreamKeys;
import io.ringcast.broadcast.time.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The rooms' stream keys in the cluster's Redis, in livego's layout ({@code configure/channel.go}): {@code SET room
 * key} and {@code SET key room}, no expiry, no prefix, so every node (and livego tooling) shares them. Rooms are
 * written as {@link StreamKeys} stores them ({@code name} for app live, {@code app/name} otherwise), keys in its
 * format (24 bytes from {@link SecureRandom} as 48 lower-case hex). Thread-safe; every call blocks its caller (a
 * publisher's connection thread or an admin request thread) for at most the client's timeout.
 *
 * <p>Every change is one Lua script, so two nodes never give one room two keys and a reset never leaves the old
 * key working: {@link #getOrCreate} creates only when the room has no key, {@link #reset} writes the new key both
 * ways and deletes the old key's entry, {@link #delete} removes both. Lookups always ask Redis, so a reset through
 * any node is refused by every node at once. The scripts read the old key's entry by the value they found, which
 * a standalone Redis (the directory's {@code redis://} URL) allows; Redis Cluster is not supported.
 *
 * <p>Redis down: a key this node verified in the last {@code cacheMaxAgeMs} is still accepted from a small bounded
 * cache ({@link VerifiedKeys}), because an outage of Redis must not stop the encoders this node already knows from
 * reconnecting (a network hiccup makes them all reconnect at once, exactly when Redis may be unreachable too). A
 * key reset on another node during that window still works here until Redis returns; any other key, and every
 * admin call, fails with {@link RoomKeysUnavailableException} ("stream keys unavailable: Redis ...").
 */
public final class RedisRoomKeys implements RoomKeys {
    /** How long a verified key stays accepted while Redis is down. */
    public static final long DEFAULT_CACHE_MAX_AGE_MS = 300_000;
    /** How many verified keys are kept for that (publishers of this node, with room to spare). */
    public static final int DEFAULT_CACHE_CAPACITY = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(RedisRoomKeys.class);
    /** New keys drawn before giving up when each already exists in Redis (with 192 bits: never). */
    private static final int MAX_DRAWS = 3;
    /** Lua: is ARGV-like value v one of our keys (so its reverse entry may be read and deleted). */
    private static final String IS_KEY = "local function iskey(v) return v and #v == " + 2 * StreamKeys.KEY_BYTES
            + " and not string.find(v, '[^0-9a-f]') end\n";
    /** KEYS[1] room, KEYS[2] a new key: the room's key, the new one written both ways if it had none; nil if taken. */
    private static final String GET_OR_CREATE = """
            local current = redis.call('GET', KEYS[1])
            if current then return current end
            if redis.call('EXISTS', KEYS[2]) == 1 then return false end
            redis.call('SET', KEYS[1], KEYS[2])
            redis.call('SET', KEYS[2], KEYS[1])
            return KEYS[2]
            """;
    /** KEYS[1] room, KEYS[2] a new key: writes it both ways, deletes the old key's entry; nil if the key is taken. */
    private static final String RESET = IS_KEY + """
            if redis.call('EXISTS', KEYS[2]) == 1 then return false end
            local old = redis.call('GET', KEYS[1])
            if iskey(old) and redis.call('GET', old) == KEYS[1] then redis.call('DEL', old) end
            redis.call('SET', KEYS[1], KEYS[2])
            redis.call('SET', KEYS[2], KEYS[1])
            return KEYS[2]
            """;
    /** KEYS[1] room: deletes its key both ways; 1 if it had one, else 0. */
    private static final String DELETE = IS_KEY + """
            local old = redis.call('GET', KEYS[1])
            if not old then return 0 end
            if iskey(old) and redis.call('GET', old) == KEYS[1] then redis.call('DEL', old) end
            redis.call('DEL', KEYS[1])
            return 1
            """;
    /** KEYS[1] room, KEYS[2] its key, ARGV[1] "1" to overwrite: a {@link Put} name. */
    private static final String PUT = IS_KEY + """
            local current = redis.call('GET', KEYS[1])
            local owner = redis.call('GET', KEYS[2])
            if owner and owner ~= KEYS[1] then return 'KEY_TAKEN' end
            if current == KEYS[2] then
              if not owner then redis.call('SET', KEYS[2], KEYS[1]) end
              return 'UNCHANGED'
            end
            if current and ARGV[1] ~= '1' then return 'SKIPPED' end
            if iskey(current) and redis.call('GET', current) == KEYS[1] then redis.call('DEL', current) end
            redis.call('SET', KEYS[1], KEYS[2])
            redis.call('SET', KEYS[2], KEYS[1])
            if current then return 'REPLACED' end
            return 'WRITTEN'
            """;

    /** What {@link #put} did with one room. */
    public enum Put {
        /** The room had no key: written both ways. */
        WRITTEN,
        /** The room already had this key (a missing reverse entry is written). */
        UNCHANGED,
        /** The room had another key: replaced (overwrite), the old key's entry deleted. */
        REPLACED,
        /** The room had another key and overwrite was not asked: nothing written. */
        SKIPPED,
        /** The key already belongs to another room: nothing written. */
        KEY_TAKEN
    }

    private final UnifiedJedis redis;
    private final NanoClock clock;
    private final VerifiedKeys verified;
    private final SecureRandom random = new SecureRandom();

    /** With the system clock and the default cache ({@value #DEFAULT_CACHE_MAX_AGE_MS} ms, 1024 keys). */
    public RedisRoomKeys(UnifiedJedis redis) {
        this(redis, NanoClock.SYSTEM, DEFAULT_CACHE_MAX_AGE_MS, DEFAULT_CACHE_CAPACITY);
    }

    /**
     * @param redis          the cluster's client (owned by the caller, which closes it); its timeouts bound every call
     * @param clock          ages the verified keys
     * @param cacheMaxAgeMs  how long a key verified here stays accepted while Redis is down
     * @param cacheCapacity  how many verified keys are kept
     */
    public RedisRoomKeys(UnifiedJedis redis, NanoClock clock, long cacheMaxAgeMs, int cacheCapacity) {
        if (redis == null || clock == null) {
            throw new IllegalArgumentException("redis client and clock are required");
        }
        if (cacheMaxAgeMs <= 0) {
            throw new IllegalArgumentException("cache max age must be positive: " + cacheMaxAgeMs + " ms");
        }
        this.redis = redis;
        this.clock = clock;
        this.verified = new VerifiedKeys(TimeUnit.MILLISECONDS.toNanos(cacheMaxAgeMs), cacheCapacity);
    }

    @Override
    public String getOrCreate(String room) {
        String stored = storedRoom(room);
        return drawAndRun(GET_OR_CREATE, stored);
    }

    @Override
    public String reset(String room) {
        String stored = storedRoom(room);
        String key = drawAndRun(RESET, stored);
        verified.forgetRoom(stored);
        return key;
    }

    @Override
    public boolean delete(String room) {
        String stored = storedRoom(room);
        Object deleted;
        try {
            deleted = redis.eval(DELETE, List.of(stored), List.of());
        } catch (JedisException e) {
            throw unavailable(e);
        }
        verified.forgetRoom(stored);
        return Long.valueOf(1).equals(deleted);
    }

    /**
     * Asks Redis for the candidate's room (refusing, without asking, anything not shaped like a key), then checks
     * that the room is a room and that its key is the candidate, so no other Redis value (a room name, the
     * directory's entries) ever passes as a key.
     */
    @Override
    public Optional<String> roomForKey(String candidate) {
        if (!StreamKeys.isKeyShaped(candidate)) {
            return Optional.empty();
        }
        String room;
        String key;
        try {
            room = redis.get(candidate);
            key = room != null && isStoredRoom(room) ? redis.get(room) : null;
        } catch (JedisException e) {
            String known = verified.roomOf(candidate, clock.nanoTime());
            if (known == null) {
                throw unavailable(e);
            }
            LOG.warn("Redis down ({}): accepting the key of room {}, verified on this node in the last {} s",
                    e.getMessage(), known, TimeUnit.NANOSECONDS.toSeconds(verified.maxAgeNs()));
            return Optional.of(known);
        }
        if (key == null || !MessageDigest.isEqual(ascii(key), ascii(candidate))) {
            verified.forget(candidate);
            return Optional.empty();
        }
        verified.verified(candidate, room, clock.nanoTime());
        return Optional.of(room);
    }

    @Override
    public Optional<String> keyOf(String room) {
        String stored = storedRoom(room);
        try {
            return Optional.ofNullable(redis.get(stored));
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    /**
     * Writes a room's key both ways (the one-shot import of a keys file): a room that holds another key keeps it
     * unless {@code overwrite}; a key that is another room's is never taken.
     *
     * @throws IllegalArgumentException when the room is not a room or the key not shaped like one
     */
    public Put put(String room, String key, boolean overwrite) {
        String stored = storedRoom(room);
        if (!StreamKeys.isKeyShaped(key)) {
            throw new IllegalArgumentException("not a stream key (" + 2 * StreamKeys.KEY_BYTES
                    + " lower-case hex characters) for room " + stored);
        }
        Object result;
        try {
            result = redis.eval(PUT, List.of(stored, key), List.of(overwrite ? "1" : "0"));
        } catch (JedisException e) {
            throw unavailable(e);
        }
        Put put = Put.valueOf(String.valueOf(result));
        if (put == Put.REPLACED) {
            verified.forgetRoom(stored);
        }
        return put;
    }

    /**
     * A room as stored: {@link StreamKeys#canonicalRoom}, which must not look like a key, since livego's layout
     * keeps rooms and keys in one name space.
     */
    public static String storedRoom(String room) {
        String stored = StreamKeys.canonicalRoom(room);
        if (StreamKeys.isKeyShaped(stored)) {
            throw new IllegalArgumentException("a room name must not look like a stream key ("
                    + 2 * StreamKeys.KEY_BYTES + " hex characters)");
        }
        return stored;
    }

    private static boolean isStoredRoom(String value) {
        return StreamKeys.isRoom(value) && !StreamKeys.isKeyShaped(value)
                && StreamKeys.canonicalRoom(value).equals(value);
    }

    private String drawAndRun(String script, String room) {
        try {
            for (int draw = 0; draw < MAX_DRAWS; draw++) {
                Object key = redis.eval(script, List.of(room, StreamKeys.newKey(random)), List.of());
                if (key != null) {
                    return (String) key;
                }
            }
        } catch (JedisException e) {
            throw unavailable(e);
        }
        throw new IllegalStateException(MAX_DRAWS + " new keys for room " + room + " all existed in Redis already");
    }

    private static RoomKeysUnavailableException unavailable(JedisException e) {
        String what = e instanceof JedisConnectionException ? "unreachable" : "error";
        return new RoomKeysUnavailableException("stream keys unavailable: Redis " + what + " (" + e.getMessage()
                + ")", e);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
