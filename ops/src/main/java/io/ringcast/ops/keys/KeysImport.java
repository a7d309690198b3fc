package io.ringcast.ops.keys;

import io.ringcast.broadcast.auth.RoomKeysUnavailableException;
import io.ringcast.broadcast.auth.StreamKeys;
import io.ringcast.ingest.cluster.RedisRoomKeys;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisURIHelper;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * The {@code import-keys} command: a one-shot copy of a single server's keys file ({@code [auth] keys_file}) into the
 * cluster's Redis, in the layout every node reads ({@link RedisRoomKeys}: {@code SET room key}, {@code SET key
 * room}).
 * <pre>
 * import-keys --file stream-keys.txt --redis redis://[:password@]host:6379[/db] [--overwrite] [--timeout-ms 2000]
 * </pre>
 * A room that already holds another key in Redis keeps it unless {@code --overwrite} (then the old key stops
 * working); a key that already belongs to another room is never taken. Every room is checked before anything is
 * written. Prints one line per room and a summary. Exit status 0 when done, 2 for bad options or an unreadable or
 * malformed file, 3 when Redis fails (the rooms printed before were written).
 */
public final class KeysImport {
    static final String USAGE = "usage: import-keys --file stream-keys.txt --redis redis://[:password@]host:6379[/db]"
            + " [--overwrite] [--timeout-ms 2000]";
    static final int OK = 0;
    static final int BAD_OPTIONS = 2;
    static final int REDIS_ERROR = 3;

    /** Parsed command line. */
    public record Options(Path file, URI redis, boolean overwrite, int timeoutMs) {
    }

    private KeysImport() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        Map<String, String> keys;
        try {
            options = parse(args);
            keys = read(options.file());
        } catch (IllegalArgumentException e) {
            err.println("import-keys: " + e.getMessage());
            err.println(USAGE);
            return BAD_OPTIONS;
        } catch (IOException e) {
            err.println("import-keys: " + e.getMessage());
            return BAD_OPTIONS;
        }
        try (UnifiedJedis client = connect(options)) {
            Map<RedisRoomKeys.Put, Integer> counts = importAll(keys, new RedisRoomKeys(client), options.overwrite(),
                    out);
            out.printf("import-keys: %d rooms from %s into %s: %d written, %d unchanged, %d replaced, %d skipped, "
                            + "%d key taken%n", keys.size(), options.file(), masked(options.redis()),
                    counts.get(RedisRoomKeys.Put.WRITTEN), counts.get(RedisRoomKeys.Put.UNCHANGED),
                    counts.get(RedisRoomKeys.Put.REPLACED), counts.get(RedisRoomKeys.Put.SKIPPED),
                    counts.get(RedisRoomKeys.Put.KEY_TAKEN));
            return OK;
        } catch (RoomKeysUnavailableException e) {
            err.println("import-keys: " + masked(options.redis()) + ": " + e.getMessage());
            return REDIS_ERROR;
        }
    }

    /**
     * Writes every room, in the file's order, printing what happened to each.
     *
     * @throws RoomKeysUnavailableException when Redis fails (the rooms printed so far were written)
     */
    public static Map<RedisRoomKeys.Put, Integer> importAll(Map<String, String> keysByRoom, RedisRoomKeys redis,
                                                            boolean overwrite, PrintStream out) {
        Map<RedisRoomKeys.Put, Integer> counts = new EnumMap<>(RedisRoomKeys.Put.class);
        for (RedisRoomKeys.Put p : RedisRoomKeys.Put.values()) {
            counts.put(p, 0);
        }
        keysByRoom.forEach((room, key) -> {
            RedisRoomKeys.Put put = redis.put(room, key, overwrite);
            counts.merge(put, 1, Integer::sum);
            out.println(room + ": " + switch (put) {
                case WRITTEN -> "written";
                case UNCHANGED -> "unchanged (Redis holds this key already)";
                case REPLACED -> "replaced (the key Redis held no longer works)";
                case SKIPPED -> "skipped (Redis holds another key; --overwrite replaces it)";
                case KEY_TAKEN -> "skipped (this key belongs to another room in Redis)";
            });
        });
        return counts;
    }

    /** Parses the command line. */
    public static Options parse(String[] args) {
        Path file = null;
        URI redis = null;
        boolean overwrite = false;
        int timeoutMs = 2_000;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--overwrite")) {
                overwrite = true;
                continue;
            }
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--file" -> file = Path.of(v);
                case "--redis" -> redis = redisUri(v);
                case "--timeout-ms" -> timeoutMs = timeout(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (file == null) {
            throw new IllegalArgumentException("--file is required");
        }
        if (redis == null) {
            throw new IllegalArgumentException("--redis is required");
        }
        return new Options(file, redis, overwrite, timeoutMs);
    }

    /** The keys file (it must exist: an absent file is not an empty import), each room checked for Redis. */
    static Map<String, String> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        Map<String, String> keys = StreamKeys.load(file).keysByRoom();
        for (String room : keys.keySet()) {
            try {
                RedisRoomKeys.storedRoom(room);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": room " + room + " cannot be stored in Redis: " + e.getMessage(), e);
            }
        }
        return keys;
    }

    private static UnifiedJedis connect(Options o) {
        URI uri = o.redis();
        DefaultJedisClientConfig config = DefaultJedisClientConfig.builder()
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri))
                .database(JedisURIHelper.getDBIndex(uri))
                .ssl(JedisURIHelper.isRedisSSLScheme(uri))
                .timeoutMillis(o.timeoutMs())
                .build();
        return RedisClient.builder().hostAndPort(JedisURIHelper.getHostAndPort(uri)).clientConfig(config).build();
    }

    private static URI redisUri(String v) {
        URI uri;
        try {
            uri = URI.create(v);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || !JedisURIHelper.isValid(uri)
                || !(JedisURIHelper.isRedisScheme(uri) || JedisURIHelper.isRedisSSLScheme(uri))) {
            throw new IllegalArgumentException("--redis must be redis://[:password@]host:port[/db] (or rediss://): "
                    + v);
        }
        return uri;
    }

    private static int timeout(String v) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > 60_000) {
            throw new IllegalArgumentException("--timeout-ms must be 1..60000: " + v);
        }
        return n;
    }

    /** The URL without its password, for output. */
    static String masked(URI uri) {
        return uri.getScheme() + "://" + (uri.getUserInfo() == null ? "" : "***@") + uri.getHost() + ":"
                + uri.getPort() + (uri.getPath() == null ? "" : uri.getPath());
    }
}
