package io.ringcast.broadcast.auth;

import io.ringcast.broadcast.stream.StreamPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class StreamKeysTest {
    @TempDir
    Path dir;

    @Test
    void shouldCreateOneLongRandomKeyPerRoomAndFindTheRoomByKey() throws IOException {
        StreamKeys keys = StreamKeys.load(dir.resolve("keys.txt"));
        String key = keys.getOrCreate("room1");
        assertTrue(key.matches("[0-9a-f]{48}"), key);
        assertEquals(key, keys.getOrCreate("room1"), "get is idempotent");
        assertNotEquals(key, keys.getOrCreate("room2"));
        assertEquals(Optional.of("room1"), keys.roomForKey(key));
        assertEquals(Optional.empty(), keys.roomForKey(key.substring(0, 47) + "0".repeat(1).replace("0",
                key.charAt(47) == '0' ? "1" : "0")));
        assertEquals(Optional.empty(), keys.roomForKey("room1"));
    }

    @Test
    void shouldInvalidateTheOldKeyOnResetAndForgetDeletedRooms() throws IOException {
        StreamKeys keys = StreamKeys.load(dir.resolve("keys.txt"));
        String old = keys.getOrCreate("r");
        String fresh = keys.reset("r");
        assertNotEquals(old, fresh);
        assertEquals(Optional.empty(), keys.roomForKey(old));
        assertEquals(Optional.of("r"), keys.roomForKey(fresh));
        assertTrue(keys.delete("r"));
        assertFalse(keys.delete("r"));
        assertEquals(Optional.empty(), keys.roomForKey(fresh));
    }

    @Test
    void shouldSurviveARestart() throws IOException {
        Path file = dir.resolve("keys.txt");
        String key = StreamKeys.load(file).getOrCreate("studio");
        StreamKeys reloaded = StreamKeys.load(file);
        assertEquals(Optional.of(key), reloaded.keyOf("studio"));
        assertEquals(Optional.of("studio"), reloaded.roomForKey(key));
    }

    @Test
    void shouldRefuseAMalformedKeysFileNamingTheLine() throws IOException {
        Path file = dir.resolve("keys.txt");
        Files.writeString(file, "# comment\nroom=" + "a".repeat(48) + "\nbroken line\n");
        IOException e = assertThrows(IOException.class, () -> StreamKeys.load(file));
        assertEquals(file + ":3: not a room=key line", e.getMessage());
    }

    @Test
    void shouldMapAKeyToItsRoomAndRefuseWrongKeys() throws IOException {
        StreamKeys keys = StreamKeys.load(dir.resolve("keys.txt"));
        String key = keys.getOrCreate("room7");
        KeyedPublishAuthorizer authorizer = new KeyedPublishAuthorizer(keys);
        assertEquals(new StreamPath("live", "room7"), authorizer.authorize(new StreamPath("live", key)));
        assertThrows(PublishRefusedException.class, () -> authorizer.authorize(new StreamPath("live", "room7")));
        assertFalse(authorizer.isOpen());
        assertTrue(PublishAuthorizer.OPEN.isOpen());
    }

    @Test
    void shouldPublishWithARoomsKeyOnlyUnderItsOwnApp() throws IOException {
        StreamKeys keys = StreamKeys.load(dir.resolve("keys.txt"));
        KeyedPublishAuthorizer authorizer = new KeyedPublishAuthorizer(keys);
        String liveKey = keys.getOrCreate("room1");
        assertEquals(new StreamPath("live", "room1"), authorizer.authorize(new StreamPath("live", liveKey)));
        PublishRefusedException refused = assertThrows(PublishRefusedException.class,
                () -> authorizer.authorize(new StreamPath("other", liveKey)));
        assertEquals("no room of app other has the stream key given", refused.getMessage());

        String studioKey = keys.getOrCreate("studio/room1");
        assertNotEquals(liveKey, studioKey, "studio/room1 is another room than live/room1");
        assertEquals(new StreamPath("studio", "room1"), authorizer.authorize(new StreamPath("studio", studioKey)));
        assertThrows(PublishRefusedException.class, () -> authorizer.authorize(new StreamPath("live", studioKey)));
    }

    @Test
    void shouldTreatARoomWithoutAppAsLivegosAppLive() throws IOException {
        Path file = dir.resolve("keys.txt");
        StreamKeys keys = StreamKeys.load(file);
        String key = keys.getOrCreate("hall");
        assertEquals(key, keys.getOrCreate("live/hall"), "live/hall and hall are one room");
        assertEquals(Optional.of(new StreamPath("live", "hall")), keys.streamForKey(key));
        String studio = keys.getOrCreate("studio/hall");
        StreamKeys reloaded = StreamKeys.load(file);
        assertEquals(Optional.of(new StreamPath("studio", "hall")), reloaded.streamForKey(studio));
        assertEquals(Optional.of(studio), reloaded.keyOf("studio/hall"));
        assertTrue(reloaded.delete("live/hall"));
        assertEquals(Optional.empty(), reloaded.streamForKey(key));
        assertThrows(IllegalArgumentException.class, () -> keys.getOrCreate("a/b/c"));
        assertThrows(IllegalArgumentException.class, () -> keys.getOrCreate("../hall"));
    }

    @Test
    void shouldLeaveAValidFileWhenKilledMidWrite() throws Exception {
        Path file = dir.resolve("keys.txt");
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KeyResetLoop.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        String lastAcknowledged = null;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            for (int i = 0; i < 300; i++) {
                lastAcknowledged = out.readLine();
                assertNotNull(lastAcknowledged, "the writer died early");
            }
            writer.destroyForcibly(); // SIGKILL, most likely in the middle of a write or rename
            assertTrue(writer.waitFor(10, TimeUnit.SECONDS));
        }
        StreamKeys after = StreamKeys.load(file);
        String[] acknowledged = lastAcknowledged.split("=");
        String key = after.keyOf(acknowledged[0]).orElseThrow();
        assertTrue(key.matches("[0-9a-f]{48}"));
        try (var files = Files.list(dir)) {
            assertTrue(files.allMatch(p -> p.equals(file) || p.getFileName().toString().endsWith(".tmp")),
                    "only the keys file and at most an orphaned temporary file");
        }
    }
}
