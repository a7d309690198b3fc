package io.ringcast.broadcast.testing;

import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.config.ConfigSection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class TestConfigTest {
    @Test
    void shouldPutEveryListenerOnLoopbackPortZero() {
        ConfigFile config = TestConfig.loopback().configFile();
        for (String listener : TestConfig.LISTENERS) {
            ConfigSection s = config.section(listener);
            assertEquals("127.0.0.1", s.getString("address", "unset"), listener);
            assertEquals(0, s.getInt("port", -1, -1, 65535), listener);
        }
    }

    @Test
    void shouldMergeKeysGivenForTheSameTableIntoOneTable() {
        String text = TestConfig.loopback()
                .toml("[rtmp]\nidle_timeout_ms = 500\n[record]\nenable = true\n")
                .set("rtmp", "max_connections", 3)
                .toml("[rtmp]\nchunk_size = 4096\n[Engine]\nPublishTimeout = 3\n")
                .set("record", "include", List.of("live/a", "live/b"))
                .text();
        assertEquals(1, text.lines().filter("[rtmp]"::equals).count(), text);
        ConfigFile config = ConfigFile.parse(text, "t.toml");
        ConfigSection rtmp = config.section("rtmp");
        assertEquals(500, rtmp.getLong("idle_timeout_ms", 0, 0, Long.MAX_VALUE));
        assertEquals(3, rtmp.getInt("max_connections", 0, 0, 100));
        assertEquals(4096, rtmp.getInt("chunk_size", 0, 0, 1 << 20));
        assertEquals(3, config.section("Engine").getInt("PublishTimeout", 0, 0, 100));
        assertTrue(config.section("record").getBoolean("enable", false));
        assertTrue(text.contains("include = [\"live/a\", \"live/b\"]"), text);
    }

    @Test
    void shouldKeepTheLastValueOfAKeyGivenTwice() {
        ConfigFile config = TestConfig.loopback().set("http", "write_timeout_ms", 1_000)
                .toml("[http]\nwrite_timeout_ms = 2000").configFile();
        assertEquals(2_000, config.section("http").getLong("write_timeout_ms", 0, 0, Long.MAX_VALUE));
    }

    @Test
    void shouldRefuseAListenerAddressOrPort() {
        assertThrows(IllegalArgumentException.class, () -> TestConfig.loopback().set("rtmp", "port", 1935));
        assertThrows(IllegalArgumentException.class,
                () -> TestConfig.loopback().toml("[http]\naddress = \"0.0.0.0\""));
    }

    @Test
    void shouldPutDefaultDataPathsBelowTheTestFolderUnlessTheTestNamesThem() {
        Path dir = Path.of("/tmp/test-config-data");
        ConfigFile config = TestConfig.loopback().set("record", "directory", "/elsewhere").dataIn(dir).configFile();
        assertEquals("/elsewhere", config.section("record").getString("directory", ""));
        assertEquals(dir.resolve("latency-logs").toString(), config.section("latency_log").getString("directory", ""));
        assertEquals(dir.resolve("stream-keys.txt").toString(), config.section("auth").getString("keys_file", ""));
    }

    @Test
    void shouldRefuseTextThatIsNotToml() {
        assertThrows(IllegalArgumentException.class, () -> TestConfig.loopback().toml("[rtmp\nport = "));
    }

    @Test
    void shouldMoveEveryListenerToAnotherLoopbackAddressOnly() {
        ConfigFile config = TestConfig.loopback().bindTo("127.0.0.3").configFile();
        for (String listener : TestConfig.LISTENERS) {
            assertEquals("127.0.0.3", config.section(listener).getString("address", ""));
            assertEquals(0, config.section(listener).getInt("port", -1, -1, 65_535));
        }
        assertThrows(IllegalArgumentException.class, () -> TestConfig.loopback().bindTo("10.0.0.1"));
    }

    @Test
    void shouldWriteArraysOfTablesAfterEveryTable() {
        String text = TestConfig.loopback().arrayTables("[[pull]]\nmatch = \"live/*\"\n")
                .set("relay", "max_pulls", 3).text();
        assertTrue(text.indexOf("[[pull]]") > text.indexOf("[relay]"), text);
        assertTrue(text.endsWith("[[pull]]\nmatch = \"live/*\"\n"), text);
        assertThrows(IllegalArgumentException.class, () -> TestConfig.loopback().arrayTables("[[pull]\n"));
    }
}
