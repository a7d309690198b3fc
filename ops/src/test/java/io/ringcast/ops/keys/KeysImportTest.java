package io.ringcast.ops.keys;

import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The one-shot import of a keys file into a real redis-server, and its exit statuses. */
@Timeout(60)
class KeysImportTest {
    private static final String HALL = "11".repeat(24);
    private static final String STUDIO = "22".repeat(24);
    private static final String FOYER = "33".repeat(24);
    private static final String FOYER_IN_REDIS = "44".repeat(24);

    @TempDir
    Path dir;
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = KeysImport.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path keysFile() throws IOException {
        return Files.writeString(dir.resolve("stream-keys.txt"), """
                # ringcast stream keys: room=key
                hall=%s
                studio/hall=%s
                foyer=%s
                """.formatted(HALL, STUDIO, FOYER));
    }

    @Test
    void shouldWriteEveryRoomBothWaysAndReplaceAnotherKeyOnlyWithOverwrite() throws IOException {
        RedisServer redis = cleanup.add(RedisServer.start("127.0.0.1", "s3cret"));
        redis.command("SET", "foyer", FOYER_IN_REDIS);
        redis.command("SET", FOYER_IN_REDIS, "foyer");
        Path file = keysFile();

        Run first = run("--file", file.toString(), "--redis", redis.url());
        assertEquals(0, first.status(), first.err());
        assertEquals(HALL, redis.command("GET", "hall"));
        assertEquals("hall", redis.command("GET", HALL));
        assertEquals(STUDIO, redis.command("GET", "studio/hall"));
        assertEquals("studio/hall", redis.command("GET", STUDIO));
        assertEquals(FOYER_IN_REDIS, redis.command("GET", "foyer"), "another key in Redis is kept");
        assertNull(redis.command("GET", FOYER));
        assertTrue(first.out().contains("hall: written"), first.out());
        assertTrue(first.out().contains("foyer: skipped (Redis holds another key; --overwrite replaces it)"),
                first.out());
        assertTrue(first.out().contains("3 rooms from " + file + " into redis://***@127.0.0.1:" + redis.port()
                + ": 2 written, 0 unchanged, 0 replaced, 1 skipped, 0 key taken"), first.out());
        assertFalse(first.out().contains("s3cret"), "the password is not printed");

        Run second = run("--file", file.toString(), "--redis", redis.url(), "--overwrite");
        assertEquals(0, second.status(), second.err());
        assertEquals(FOYER, redis.command("GET", "foyer"));
        assertEquals("foyer", redis.command("GET", FOYER));
        assertNull(redis.command("GET", FOYER_IN_REDIS), "the replaced key no longer names the room");
        assertTrue(second.out().contains(": 0 written, 2 unchanged, 1 replaced, 0 skipped, 0 key taken"),
                second.out());
        assertEquals("6", redis.command("DBSIZE"), "three rooms, two entries each");
    }

    @Test
    void shouldAnswerTwoForBadOptionsOrFilesAndThreeWhenRedisFails() throws IOException {
        RedisServer redis = cleanup.add(RedisServer.start());
        Path file = keysFile();
        assertEquals(2, run("--file", file.toString()).status(), "no --redis");
        assertEquals(2, run("--redis", redis.url()).status(), "no --file");
        assertEquals(2, run("--file", file.toString(), "--redis", "http://127.0.0.1:1").status());
        assertEquals(2, run("--file", file.toString(), "--redis", redis.url(), "--bogus", "1").status());
        Run missing = run("--file", dir.resolve("absent.txt").toString(), "--redis", redis.url());
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("absent.txt: no such file"), missing.err());
        Path malformed = Files.writeString(dir.resolve("bad.txt"), "hall=nothex\n");
        Run bad = run("--file", malformed.toString(), "--redis", redis.url());
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("bad.txt:1: not a room=key line"), bad.err());
        Path keyShapedRoom = Files.writeString(dir.resolve("ambiguous.txt"), "ab".repeat(24) + "=" + HALL + "\n");
        Run ambiguous = run("--file", keyShapedRoom.toString(), "--redis", redis.url());
        assertEquals(2, ambiguous.status());
        assertTrue(ambiguous.err().contains("cannot be stored in Redis"), ambiguous.err());
        assertEquals("0", redis.command("DBSIZE"), "nothing written for a bad file");

        redis.kill9();
        Run down = run("--file", file.toString(), "--redis", redis.url(), "--timeout-ms", "500");
        assertEquals(3, down.status(), down.out());
        assertTrue(down.err().contains("stream keys unavailable: Redis unreachable"), down.err());
    }
}
