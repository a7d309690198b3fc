package io.ringcast.broadcast.record;

import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.stream.StreamPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The [record] section: defaults, rules and the errors that name the bad key and line. */
@Timeout(10)
class RecordConfigTest {
    private static RecordPlugin configure(String toml) {
        RecordPlugin plugin = new RecordPlugin();
        plugin.configure(ConfigFile.parse(toml, "record.toml").section("record"));
        return plugin;
    }

    private static boolean records(StreamRules rules, String path) {
        return rules.matches(StreamPath.parse(path));
    }

    @Test
    void shouldBeDisabledWithDefaultsWhenTheSectionIsMissing() {
        RecordPlugin plugin = configure("");
        assertFalse(plugin.enabled(), "recording is opt-in");
        RecordConfig c = plugin.config();
        assertEquals(Path.of("recordings"), c.directory());
        assertEquals(3_600_000, c.maxDurationMs());
        assertEquals(1L << 30, c.maxSizeBytes());
        assertEquals(1_000, c.flushIntervalMs());
        assertEquals(4 << 20, c.writeBufferBytes());
        assertEquals(16, c.chunkCount());
        assertEquals(List.of("*/*"), c.rules().include());
        assertTrue(records(c.rules(), "any/thing"));
    }

    @Test
    void shouldReadEveryKey() {
        RecordPlugin plugin = configure("""
                [record]
                enable = true
                directory = "/var/rec"
                include = "live/*, news/evening"
                exclude = "live/private-*"
                max_duration_s = 600
                max_size_bytes = 1048576
                flush_interval_ms = 250
                write_buffer_bytes = 1048576
                """);
        assertTrue(plugin.enabled());
        RecordConfig c = plugin.config();
        assertEquals(Path.of("/var/rec"), c.directory());
        assertEquals(600_000, c.maxDurationMs());
        assertEquals(1_048_576, c.maxSizeBytes());
        assertEquals(250, c.flushIntervalMs());
        assertEquals(4, c.chunkCount());
        assertEquals(List.of("live/*", "news/evening"), c.rules().include());
        assertEquals(List.of("live/private-*"), c.rules().exclude());
    }

    @Test
    void shouldSelectStreamsByIncludeAndExcludePatterns() {
        StreamRules rules = new StreamRules(List.of("live/*", "news/evening", "tv/ch?"),
                List.of("live/private-*", "*/test"));
        assertTrue(records(rules, "live/main"));
        assertTrue(records(rules, "live/private"), "the exclude needs the dash");
        assertFalse(records(rules, "live/private-1"));
        assertFalse(records(rules, "live/test"));
        assertTrue(records(rules, "news/evening"));
        assertFalse(records(rules, "news/morning"));
        assertTrue(records(rules, "tv/ch1"));
        assertFalse(records(rules, "tv/ch12"), "? is one character");
        assertFalse(records(rules, "livex/main"), "the app must match whole");
        assertTrue(records(new StreamRules(List.of("a.b/*"), List.of()), "a.b/x"));
        assertFalse(records(new StreamRules(List.of("a.b/*"), List.of()), "aXb/x"), ". is literal");
        assertFalse(records(new StreamRules(List.of(), List.of()), "live/main"), "no include, nothing recorded");
    }

    @Test
    void shouldRejectPatternsThatAreNotAppSlashName() {
        ConfigException e = assertThrows(ConfigException.class, () -> configure("""
                [record]
                include = "live"
                """));
        assertTrue(e.getMessage().contains("record.toml:2"), e.getMessage());
        assertTrue(e.getMessage().contains("include") && e.getMessage().contains("\"live\""), e.getMessage());
        ConfigException slash = assertThrows(ConfigException.class, () -> configure("""
                [record]
                exclude = "live/a/b"
                """));
        assertTrue(slash.getMessage().contains("exclude"), slash.getMessage());
    }

    @Test
    void shouldRejectValuesOutOfRangeNamingTheKey() {
        assertMessage("max_duration_s = 0", "max_duration_s must be between 1 and");
        assertMessage("max_size_bytes = 1000", "max_size_bytes must be between 65536 and");
        assertMessage("flush_interval_ms = 0", "flush_interval_ms must be between 1 and 60000");
        assertMessage("write_buffer_bytes = 600000", "write_buffer_bytes must be a multiple of 262144");
        assertMessage("write_buffer_bytes = 262144", "write_buffer_bytes must be between 524288 and");
        assertMessage("directory = \"\"", "directory must not be empty");
        assertMessage("enable = \"yes\"", "enable must be a boolean");
        assertMessage("include = [\"live/*\"]", "include must be a string");
    }

    private static void assertMessage(String line, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> configure("[record]\n" + line + "\n"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains("record.toml:2"), e.getMessage());
    }
}
